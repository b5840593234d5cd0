const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, BatchWriteCommand } = require('@aws-sdk/lib-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// DynamoDB stream consumer: collect synchronously, write in one awaited batch.
exports.handler = async (event) => {
  const puts = [];
  const counts = { INSERT: 0, MODIFY: 0, REMOVE: 0 };
  event.Records.forEach((record) => {
    counts[record.eventName] += 1;
    if (record.eventName !== 'REMOVE') {
      const image = unmarshall(record.dynamodb.NewImage);
      puts.push({ PutRequest: { Item: { pk: `SEARCH#${image.pk}`, text: image.title?.toLowerCase() } } });
    }
  });
  const tasks = [];
  for (let i = 0; i < puts.length; i += 25) {
    tasks.push(doc.send(new BatchWriteCommand({ RequestItems: { [process.env.SEARCH_TABLE]: puts.slice(i, i + 25) } })));
  }
  await Promise.all(tasks);
  console.log(JSON.stringify(counts));
};
