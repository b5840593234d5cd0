// A callback-style handler: Lambda waits for an empty event loop, and Node.js 24 drops this style.
const greet = (name) => `Hello, ${name}`;

exports.handler = (event, context, callback) => {
  const message = greet(event.name);
  console.log(message);
  callback(null, "OK");
};
