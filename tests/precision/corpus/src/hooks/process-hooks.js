const { Logger } = require('@aws-lambda-powertools/logger');

const logger = new Logger({ serviceName: 'hooks' });

// Registered once, at init: not per invocation.
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled rejection', { reason: String(reason) });
});
process.once('SIGTERM', async () => {
  logger.info('shutting down');
  process.exit(0);
});

exports.handler = async (event, context) => {
  logger.addContext(context);
  const started = process.hrtime.bigint();
  const result = { records: (event.Records || []).length };
  logger.info('done', { ms: Number(process.hrtime.bigint() - started) / 1e6 });
  return result;
};
