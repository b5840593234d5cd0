const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");

const s3 = new S3Client({});

async function issueInvoice(event) {
  const body = JSON.stringify({ id: event.id, lines: event.lines });
  await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: `invoices/${event.id}.json`, Body: body }));
  return { statusCode: 201 };
}

module.exports = { issueInvoice };
