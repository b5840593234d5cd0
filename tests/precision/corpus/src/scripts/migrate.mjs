// One-off migration, run from a laptop: node scripts/migrate.mjs
import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { fileURLToPath } from "node:url";
import process from "node:process";

const client = new DynamoDBClient({});

export async function migrate(table) {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: table })) {
    count += page.Count ?? 0;
    process.stdout.write(`\r${count} items`);
  }
  process.on("exit", () => console.log(`\nmigrated ${count} items`));
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  migrate(process.argv[2]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
