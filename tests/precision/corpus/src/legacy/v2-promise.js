const AWS = require('aws-sdk');

const s3 = new AWS.S3({ apiVersion: '2006-03-01' });
const dynamo = new AWS.DynamoDB.DocumentClient();
const sns = new AWS.SNS();

const getConfig = async (bucket) => {
  const object = await s3.getObject({ Bucket: bucket, Key: 'config.json' }).promise();
  return JSON.parse(object.Body.toString('utf-8'));
};

exports.handler = async function (event, context) {
  const config = await getConfig(process.env.CONFIG_BUCKET);
  const data = await dynamo
    .query({
      TableName: config.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': event.pk },
    })
    .promise();

  if (data.Items.length > config.alarmThreshold) {
    await sns
      .publish({
        TopicArn: config.topicArn,
        Subject: 'Threshold exceeded',
        Message: `${data.Items.length} items for ${event.pk} (${context.awsRequestId})`,
      })
      .promise();
  }
  return data.Items;
};
