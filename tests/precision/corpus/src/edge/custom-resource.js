const response = require('cfn-response');
const { S3Client, PutBucketNotificationConfigurationCommand } = require('@aws-sdk/client-s3');

const s3 = new S3Client({});

// cfn-response finishes with context.done(): hand it a context whose done settles our promise.
const send = (event, context, status, data) =>
  new Promise((resolve) => response.send(event, { ...context, done: resolve }, status, data));

exports.handler = async (event, context) => {
  try {
    if (event.RequestType !== 'Delete') {
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: event.ResourceProperties.Bucket,
          NotificationConfiguration: {},
        }),
      );
    }
    await send(event, context, response.SUCCESS, {});
  } catch (err) {
    await send(event, context, response.FAILED, { error: err.message });
  }
};
