const { FirehoseClient, PutRecordCommand } = require('@aws-sdk/client-firehose');
const { track, drain } = require('../lib/background');

const firehose = new FirehoseClient({});

async function record(event) {
  await firehose.send(
    new PutRecordCommand({
      DeliveryStreamName: process.env.STREAM,
      Record: { Data: Buffer.from(`${JSON.stringify({ path: event.rawPath, at: Date.now() })}\n`) },
    }),
  );
}

exports.handler = async (event) => {
  try {
    track(record(event));
    return { statusCode: 200, body: JSON.stringify({ hello: event.queryStringParameters?.name ?? 'world' }) };
  } finally {
    await drain();
  }
};
