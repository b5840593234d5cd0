const fs = require('fs');

function readConfig(path, callback) {
  fs.readFile(path, 'utf8', (err, text) => callback(err, text && JSON.parse(text)));
}

function startSlowWarning(ms) {
  setTimeout(() => console.warn('slow invocation'), ms); // LEAK timer-leak
}

exports.handler = async (event) => {
  startSlowWarning(3000);
  readConfig('/tmp/config.json', (err, config) => { // LEAK callback-api-leak
    if (err) console.error(err);
    else console.log(config.version);
  });
  return { ok: true };
};
