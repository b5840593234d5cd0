const { putItem } = require('../lib/ddb');

function validateOrder(order, onInvalid) {
  const missing = ['customerId', 'items'].filter((field) => !order[field]);
  if (missing.length) onInvalid(new Error(`missing ${missing.join(', ')}`));
}

function parseBody(body, callback) {
  try {
    return callback(null, JSON.parse(body));
  } catch (err) {
    return callback(err);
  }
}

exports.handler = async (event) => {
  const order = parseBody(event.body || '{}', (err, value) => (err ? null : value));
  if (!order) return { statusCode: 400, body: 'body must be JSON' };
  let problem;
  validateOrder(order, (err) => {
    problem = err;
  });
  if (problem) return { statusCode: 422, body: problem.message };
  await putItem({ pk: `ORDER#${order.id}`, ...order });
  return { statusCode: 201, body: JSON.stringify({ id: order.id }) };
};
