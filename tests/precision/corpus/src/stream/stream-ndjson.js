const { Readable } = require('stream');
const { pipeline } = require('stream/promises');

async function* rows(count) {
  for (let i = 0; i < count; i += 1) {
    yield `${JSON.stringify({ i, at: Date.now() })}\n`;
  }
}

exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const count = Number(event.queryStringParameters?.count ?? 100);
  responseStream.setContentType('application/x-ndjson');
  await pipeline(Readable.from(rows(count)), responseStream);
});
