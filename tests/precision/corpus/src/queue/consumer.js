'use strict';

const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, UpdateCommand } = require('@aws-sdk/lib-dynamodb');

const sqs = new SQSClient({});
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

async function markProcessed(order) {
  await ddb.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: order.pk },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'PROCESSED' },
    }),
  );
}

async function forward(order) {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.FULFILMENT_QUEUE_URL,
      MessageBody: JSON.stringify(order),
      MessageGroupId: order.customerId,
    }),
  );
}

async function processRecord(record) {
  const order = JSON.parse(record.body);
  await markProcessed(order);
  await forward(order);
}

// Declared in template.yaml as consumer.processRecords.
exports.processRecords = async (event) => {
  const results = await Promise.allSettled(event.Records.map((record) => processRecord(record)));
  const batchItemFailures = [];
  results.forEach((result, index) => {
    if (result.status === 'rejected') {
      console.error('record failed', event.Records[index].messageId, result.reason);
      batchItemFailures.push({ itemIdentifier: event.Records[index].messageId });
    }
  });
  return { batchItemFailures };
};
