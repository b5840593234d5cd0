const { SQSClient, SendMessageBatchCommand } = require('@aws-sdk/client-sqs');

const sqs = new SQSClient({});

function sendBatch(entries) {
  return sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.OUT_QUEUE, Entries: entries }));
}

exports.handler = async (event) => {
  let inFlight = [];
  let entries = [];
  for (const record of event.Records) {
    entries.push({ Id: record.messageId, MessageBody: record.body });
    if (entries.length === 10) {
      inFlight.push(sendBatch(entries));
      entries = [];
    }
    if (inFlight.length === 5) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  if (entries.length > 0) inFlight.push(sendBatch(entries));
  await Promise.all(inFlight);
};
