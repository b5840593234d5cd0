const { Logger } = require('@aws-lambda-powertools/logger');
const { getItem } = require('../lib/ddb');

const logger = new Logger({ serviceName: 'slow-warning' });
let slowTimer;

function startSlowWarning(ms, details) {
  slowTimer = setTimeout(() => logger.warn('invocation is slow', details), ms);
}

function stopSlowWarning() {
  clearTimeout(slowTimer);
  slowTimer = undefined;
}

exports.handler = async (event) => {
  startSlowWarning(3000, { id: event.id });
  try {
    // Give the connection pool a moment after a cold start.
    await new Promise((resolve) => {
      const done = () => resolve();
      setTimeout(done, event.coldStartDelayMs ?? 0);
    });
    return await getItem(`ORDER#${event.id}`);
  } finally {
    stopSlowWarning();
  }
};
