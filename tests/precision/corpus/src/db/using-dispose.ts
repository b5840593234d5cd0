import { Pool, type PoolClient } from "pg";
import { createWriteStream } from "node:fs";

const pool = new Pool({ max: 1 });

async function connect(): Promise<PoolClient & AsyncDisposable> {
  const client = await pool.connect();
  return Object.assign(client, { [Symbol.asyncDispose]: async () => client.release() });
}

export const handler = async (event: { table: string }) => {
  await using client = await connect();
  const { rows } = await client.query(`SELECT * FROM ${client.escapeIdentifier(event.table)} LIMIT 1000`);

  const out = createWriteStream(`/tmp/${event.table}.ndjson`);
  const { promise: flushed, resolve, reject } = Promise.withResolvers<void>();
  out.once("finish", resolve);
  out.once("error", reject);
  setTimeout(reject, 5000, new Error("write timed out"));
  for (const row of rows) out.write(`${JSON.stringify(row)}\n`);
  out.end();
  await flushed;
  return { rows: rows.length };
};
