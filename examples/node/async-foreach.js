// async-foreach: forEach does not wait for async callbacks; the writes finish in later invocations.
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");

const dynamo = new DynamoDBClient({});

exports.handler = async (event) => {
  event.Records.forEach(async (record) => {
    await dynamo.send(new PutItemCommand({ TableName: "orders", Item: JSON.parse(record.body) }));
  });
  return { batchItemFailures: [] };
};
