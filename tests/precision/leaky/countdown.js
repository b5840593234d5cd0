const { writeAudit } = require('./lib/audit');

exports.handler = async (event) => {
  await new Promise((resolve, reject) => {
    event.items.forEach(async (item) => { // LEAK async-foreach
      try {
        await writeAudit('item', item.id);
      } catch (error) {
        reject(error);
      }
    });
    resolve();
  });
  return 'ok';
};
