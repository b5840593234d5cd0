const { S3Client, ListObjectsV2Command, DeleteObjectsCommand } = require('@aws-sdk/client-s3');

const s3 = new S3Client({});

async function handler(event) {
  const cutoff = Date.now() - (event.maxAgeDays ?? 30) * 86400000;
  let ContinuationToken;
  let deleted = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: process.env.BUCKET, Prefix: 'tmp/', ContinuationToken }));
    const old = (page.Contents ?? []).filter((o) => o.LastModified.getTime() < cutoff).map((o) => ({ Key: o.Key }));
    if (old.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: process.env.BUCKET, Delete: { Objects: old } }));
      deleted += old.length;
    }
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return { deleted };
}

module.exports = { handler };

// Run locally: node src/jobs/cleanup.js
if (require.main === module) {
  handler({ maxAgeDays: 7 }).then((result) => console.log(result));
}
