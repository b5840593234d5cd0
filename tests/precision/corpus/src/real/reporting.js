// A project's own error-reporting wrapper: it waits for the report before rethrowing.
const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");

const sns = new SNSClient({});

function withReporting(work, { topic = process.env.ALERT_TOPIC } = {}) {
  return async (event, context) => {
    try {
      return await work(event, context);
    } catch (error) {
      await sns.send(new PublishCommand({ TopicArn: topic, Message: `${context.functionName}: ${error.message}` }));
      throw error;
    }
  };
}

module.exports = { withReporting };
