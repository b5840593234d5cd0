// listener-leak: every warm invocation adds another listener to the same emitter.
const { EventEmitter } = require("events");

const bus = new EventEmitter();

exports.handler = async (event, context) => {
  bus.on("audit", (entry) => console.log(context.awsRequestId, entry));
  bus.emit("audit", event);
  return "OK";
};
