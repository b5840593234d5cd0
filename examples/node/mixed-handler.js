// mixed-handler: async and a callback; whichever settles first wins, and Node.js 24 rejects it.
exports.handler = async (event, context, callback) => {
  const response = await fetch("https://example.com/status");
  callback(null, { statusCode: response.status });
};
