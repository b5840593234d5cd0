// Callback-style handlers (only callback-handler applies: Node.js 24) written correctly otherwise: they end with `callback` (the runtime waits for the
// event loop) and pass `callback` on, never `context.done`.
const AWS = require("aws-sdk");

const sns = new AWS.SNS();

exports.handler = function (event, context, callback) { // LEAK callback-handler
  const started = Date.now();
  setTimeout(() => console.log(`slow request: ${Date.now() - started} ms`), 2000).unref();
  sns.publish({ TopicArn: process.env.TOPIC, Message: JSON.stringify(event) }, (err, data) => {
    if (err) return callback(err);
    return callback(null, { messageId: data.MessageId });
  });
};

exports.relayHandler = function (event, context, callback) { // LEAK callback-handler
  sns.publish({ TopicArn: process.env.TOPIC, Message: event.body }, callback);
};
