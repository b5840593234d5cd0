// The layout of @vendia/serverless-express's own example: set up once, then reuse.
const serverlessExpress = require('@vendia/serverless-express');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const app = require('./app');

const secrets = new SecretsManagerClient({});
let serverlessExpressInstance;

async function setup(event, context) {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }));
  process.env.API_KEY = JSON.parse(secret.SecretString).apiKey;
  serverlessExpressInstance = serverlessExpress({ app });
  return serverlessExpressInstance(event, context);
}

function handler(event, context) {
  if (serverlessExpressInstance) return serverlessExpressInstance(event, context);
  return setup(event, context);
}

exports.handler = handler;
