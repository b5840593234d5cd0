#!/usr/bin/env node
const { DynamoDBClient, paginateScan } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, UpdateCommand } = require('@aws-sdk/lib-dynamodb');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

async function main(table = process.argv[2]) {
  const started = Date.now();
  process.on('SIGINT', () => {
    console.log(`interrupted after ${Date.now() - started} ms`);
    process.exit(130);
  });
  const progress = setInterval(() => process.stdout.write('.'), 1000);
  let updated = 0;
  for await (const page of paginateScan({ client: doc }, { TableName: table })) {
    for (const item of page.Items ?? []) {
      doc.send(new UpdateCommand({ TableName: table, Key: { pk: item.pk }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } }));
      updated += 1;
    }
  }
  clearInterval(progress);
  console.log(`\nupdated ${updated}`);
}

module.exports = { main };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
