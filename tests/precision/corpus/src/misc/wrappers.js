const Sentry = require('@sentry/aws-serverless');
const { datadog } = require('datadog-lambda-js');
const { getItem, putItem } = require('../lib/ddb');

Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 0.1 });

async function copy(event) {
  const item = await getItem(event.from);
  if (!item) return { copied: false };
  await putItem({ ...item, pk: event.to });
  return { copied: true };
}

const sentryHandler = Sentry.wrapHandler(async (event) => copy(event));
const datadogHandler = datadog(async (event) => {
  const result = await copy(event);
  return { ...result, traced: true };
});

module.exports = { sentryHandler, datadogHandler };
