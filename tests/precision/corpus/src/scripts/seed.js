#!/usr/bin/env node
// Seeds a local table. Run by hand: `node scripts/seed.js fixtures.json`.
const fs = require('fs');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: 'http://localhost:8000' }));

function readFixtures(file, callback) {
  fs.readFile(file, 'utf8', (err, text) => {
    if (err) return callback(err);
    try {
      return callback(null, JSON.parse(text));
    } catch (parseError) {
      return callback(parseError);
    }
  });
}

async function main() {
  const file = process.argv[2] || 'fixtures.json';
  readFixtures(file, (err, items) => {
    if (err) {
      console.error(err);
      process.exitCode = 1;
      return;
    }
    items.forEach(async (item) => {
      await doc.send(new PutCommand({ TableName: 'local-orders', Item: item }));
    });
    setTimeout(() => console.log('seeded', items.length), 1000);
  });
}

if (require.main === module) {
  main();
}
