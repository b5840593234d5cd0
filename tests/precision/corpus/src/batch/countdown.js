const { putItem: save } = require('../lib/ddb');
exports.handler = async (event) => {
  await new Promise((resolve, reject) => {
    let pending = event.items.length;
    if (pending === 0) return resolve();
    event.items.forEach(async (item) => {
      try {
        await save(item);
        if (--pending === 0) resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
  return 'ok';
};
