const middy = require('@middy/core');
const httpJsonBodyParser = require('@middy/http-json-body-parser');
const httpErrorHandler = require('@middy/http-error-handler');
const validator = require('@middy/validator');
const { transpileSchema } = require('@middy/validator/transpile');
const createError = require('http-errors');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, PutCommand } = require('@aws-sdk/lib-dynamodb');

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

const schema = {
  type: 'object',
  properties: {
    body: {
      type: 'object',
      properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
      required: ['name', 'email'],
    },
  },
};

const baseHandler = async (event) => {
  const { name, email } = event.body;
  if (email.endsWith('@example.invalid')) {
    throw createError(422, 'email domain not accepted');
  }
  await ddb.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: `USER#${email}`, name },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { statusCode: 201, body: JSON.stringify({ email }) };
};

module.exports.handler = middy(baseHandler)
  .use(httpJsonBodyParser())
  .use(validator({ eventSchema: transpileSchema(schema) }))
  .use(httpErrorHandler());
