// A callback-style handler (the seed's second handler style): Lambda waits for an empty event loop.
const greet = (name) => `Hello, ${name}`;

exports.handler = (event, context, callback) => {
  const message = greet(event.name);
  console.log(message);
  callback(null, "OK");
};
