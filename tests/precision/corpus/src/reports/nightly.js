const { DynamoDBClient, paginateScan } = require('@aws-sdk/client-dynamodb');
const { unmarshall } = require('@aws-sdk/util-dynamodb');
const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const { withTimeout } = require('../lib/timeout');

const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({});

async function totals() {
  const byStatus = new Map();
  for await (const page of paginateScan({ client: dynamodb, pageSize: 500 }, { TableName: process.env.TABLE_NAME })) {
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      byStatus.set(item.status, (byStatus.get(item.status) ?? 0) + 1);
    }
  }
  return Object.fromEntries(byStatus);
}

// Declared in template.yaml as nightly.run.
exports.run = async (event, context) => {
  const budget = Math.max(1000, context.getRemainingTimeInMillis() - 2000);
  const report = await withTimeout(totals(), budget);
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.REPORT_BUCKET,
      Key: `reports/${event.time ?? new Date().toISOString()}.json`,
      Body: JSON.stringify(report),
    }),
  );
  return report;
};
