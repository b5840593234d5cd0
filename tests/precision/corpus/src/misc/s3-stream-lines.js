const readline = require('readline');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');

const s3 = new S3Client({});

exports.handler = async (event) => {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: event.bucket, Key: event.key }));
  const lines = readline.createInterface({ input: Body, crlfDelay: Infinity });
  let errors = 0;
  lines.on('close', () => console.log('read all lines'));
  for await (const line of lines) {
    if (line.includes(' ERROR ')) errors += 1;
  }
  let bytes = 0;
  const second = await s3.send(new GetObjectCommand({ Bucket: event.bucket, Key: `${event.key}.meta` }));
  for await (const chunk of second.Body) {
    bytes += chunk.length;
  }
  return { errors, metaBytes: bytes };
};
