// Invokes the order handler locally with a sample event.
const { handler } = require('../orders/create.mjs');

const event = { body: JSON.stringify({ customerId: 'c-1', items: [{ sku: 'A', quantity: 1 }] }) };

handler(event, { awsRequestId: 'local' }).then(
  (result) => console.log(result),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
