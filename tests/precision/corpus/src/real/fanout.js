// Fan-out written the careful way: arrays of promises collected and awaited together.
const { SQSClient, SendMessageBatchCommand } = require("@aws-sdk/client-sqs");
const { DynamoDBDocumentClient, PutCommand } = require("@aws-sdk/lib-dynamodb");
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");

const sqs = new SQSClient({});
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const chunk = (items, size) =>
  items.reduce((chunks, item, index) => {
    (chunks[Math.floor(index / size)] ||= []).push(item);
    return chunks;
  }, []);

function sendBatch(entries) {
  return sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.QUEUE_URL, Entries: entries }));
}

exports.handler = async (event) => {
  const records = event.Records.map((record) => JSON.parse(record.body));
  const valid = records.filter((record) => record.id && record.total > 0);
  const writes = [];
  for (const record of valid) {
    writes.push(documents.send(new PutCommand({ TableName: process.env.TABLE, Item: record })));
  }
  console.log(`writing ${writes.length} records`);
  await Promise.all(writes);

  const batches = chunk(valid, 10).map((group) =>
    sendBatch(group.map((record, index) => ({ Id: String(index), MessageBody: JSON.stringify(record) }))),
  );
  const results = await Promise.allSettled(batches);
  results.forEach((result) => {
    if (result.status === "rejected") console.error(result.reason);
  });
  const sequential = await valid.reduce(async (previous, record) => {
    const done = await previous;
    await sendBatch([{ Id: record.id, MessageBody: "retry" }]);
    return done + 1;
  }, Promise.resolve(0));
  return { batchItemFailures: [], sequential, written: writes.length };
};
