// Leaks that sit next to the clean patterns the engine accepts.
const { EventEmitter } = require('events');

const bus = new EventEmitter();
const DEBUG = process.env.DEBUG === '1';

async function load(id) {
  const response = await fetch(`${process.env.API_URL}/items/${id}`);
  return response.json();
}

async function save(item) {
  await fetch(`${process.env.API_URL}/items`, { method: 'POST', body: JSON.stringify(item) });
}

function later(ms, callback) {
  setTimeout(callback, ms); // LEAK timer-leak
}

exports.handler = async (event) => {
  if (DEBUG) return { debug: true };
  bus.on('saved', (item) => console.log('saved', item.id)); // LEAK listener-leak
  const item = load(event.id);
  item.then((loaded) => save({ ...loaded, seen: true })); // LEAK floating-promise
  later(100, () => bus.emit('saved', event));
  return { item: await item };
};
