const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, PutCommand, BatchWriteCommand } = require('@aws-sdk/lib-dynamodb');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

async function getItem(pk) {
  const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk } }));
  return Item;
}

function putItem(item) {
  return doc.send(new PutCommand({ TableName: TABLE, Item: item }));
}

async function putAll(items) {
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25);
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: chunk.map((item) => ({ PutRequest: { Item: item } })) },
      }),
    );
  }
}

module.exports = { getItem, putItem, putAll };
