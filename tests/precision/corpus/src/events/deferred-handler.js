const fs = require('fs');
const { deferred } = require('../lib/deferred');

async function readText(file) {
  let resolve = null;
  let reject = null;
  const done = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  fs.readFile(file, 'utf8', (err, text) => (err ? reject(err) : resolve(text)));
  return done;
}

exports.handler = async (event) => {
  const text = await readText(`/tmp/${event.file}`);
  const flushed = deferred();
  process.stdout.write(`${text.length}\n`, () => flushed.resolve());
  setTimeout(flushed.reject, 1000, new Error('stdout did not flush'));
  await flushed.promise;
  return { length: text.length };
};
