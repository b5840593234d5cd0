const { Logger } = require('@aws-lambda-powertools/logger');
const { getItem } = require('../lib/ddb');

const logger = new Logger({ serviceName: 'watchdog' });

// Warn shortly before Lambda's own timeout; the caller clears it when the work finishes.
function startWatchdog(context, marginMs = 1000) {
  return setTimeout(
    () => logger.warn('invocation is about to time out', { requestId: context.awsRequestId }),
    Math.max(0, context.getRemainingTimeInMillis() - marginMs),
  );
}

const every = (ms, fn) => setInterval(fn, ms);

exports.handler = async (event, context) => {
  const watchdog = startWatchdog(context);
  const heartbeat = every(5000, () => logger.debug('still working'));
  try {
    const item = await getItem(event.pk);
    return { found: Boolean(item) };
  } finally {
    clearTimeout(watchdog);
    clearInterval(heartbeat);
  }
};
