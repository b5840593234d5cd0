const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

async function writeAudit(action, requestId) {
  await doc.send(new PutCommand({ TableName: process.env.AUDIT_TABLE, Item: { pk: requestId, action } }));
}

module.exports = { writeAudit };
