exports.handler = function (event, context) {
  if (!event.name) {
    context.fail(new Error('name is required')); // LEAK deprecated-context-method
    return;
  }
  context.succeed({ greeting: `hello ${event.name}` }); // LEAK deprecated-context-method
};
