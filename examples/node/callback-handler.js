// callback-handler: Node.js 24 no longer runs callback handlers. "Convert to async handler" fixes it.
exports.handler = (event, context, callback) => {
  // Our handler code
  callback(null, "OK");
};
