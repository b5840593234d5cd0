import pg from "pg";

export const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
let connected;

export async function query(sql, params = []) {
  connected ??= client.connect();
  await connected;
  const { rows } = await client.query(sql, params);
  return rows;
}

export const logger = {
  info: (message, extra = {}) => console.log(JSON.stringify({ level: "info", message, ...extra })),
  async flush() {
    await new Promise((resolve) => process.stdout.write("", resolve));
  },
};
