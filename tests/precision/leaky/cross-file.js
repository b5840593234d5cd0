const { writeAudit } = require('./lib/audit');

function startWatchdog(context) {
  return setTimeout(() => console.warn('about to time out'), context.getRemainingTimeInMillis() - 500); // LEAK timer-leak
}

exports.handler = async (event, context) => {
  startWatchdog(context);
  writeAudit(event.action, context.awsRequestId); // LEAK floating-promise
  return { accepted: true };
};
