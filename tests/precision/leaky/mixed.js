const { S3Client, HeadObjectCommand } = require('@aws-sdk/client-s3');

const s3 = new S3Client({});

exports.handler = async (event, context, callback) => { // LEAK mixed-handler
  const head = await s3.send(new HeadObjectCommand({ Bucket: event.bucket, Key: event.key }));
  callback(null, { size: head.ContentLength });
};
