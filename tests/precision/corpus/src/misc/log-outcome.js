const { Logger } = require('@aws-lambda-powertools/logger');
const { putItem } = require('../lib/ddb');

const logger = new Logger({ serviceName: 'outcomes' });

function logOutcome(promise, label) {
  promise.then(
    () => logger.info(`${label} succeeded`),
    (error) => logger.error(`${label} failed`, { error: error.message }),
  );
}

exports.handler = async (event) => {
  const write = putItem({ pk: `EVENT#${event.id}`, body: event.body });
  logOutcome(write, 'write');
  await write;
  return { stored: event.id };
};
