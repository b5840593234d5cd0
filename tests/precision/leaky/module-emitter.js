const { EventEmitter } = require('events');

const bus = new EventEmitter();

async function audit(entry) {
  console.log(JSON.stringify(entry));
}

exports.handler = async (event, context) => {
  bus.on('order', (order) => audit({ order, requestId: context.awsRequestId })); // LEAK listener-leak
  bus.emit('order', event.detail);
  return 'ok';
};
