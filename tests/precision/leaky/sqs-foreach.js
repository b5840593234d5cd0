const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');

const sqs = new SQSClient({});

exports.handler = async (event) => {
  event.Records.forEach(async (record) => { // LEAK async-foreach
    await sqs.send(new SendMessageCommand({ QueueUrl: process.env.NEXT_QUEUE, MessageBody: record.body }));
  });
  return { forwarded: event.Records.length };
};
