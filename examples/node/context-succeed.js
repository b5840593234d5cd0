// deprecated-context-method: context.succeed/fail were removed in Node.js 24.
exports.handler = function (event, context) {
  if (!event.name) {
    context.fail(new Error("name is required"));
    return;
  }
  context.succeed({ greeting: `Hello, ${event.name}` });
};
