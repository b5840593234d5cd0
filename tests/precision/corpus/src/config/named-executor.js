const fs = require('fs');
const path = require('path');

const CONFIG = path.join(__dirname, 'config.json');

// Executors declared on their own and handed to `new Promise` by name.
function readConfig(resolve, reject) {
  fs.readFile(CONFIG, 'utf8', (err, text) => (err ? reject(err) : resolve(JSON.parse(text))));
}

function waitForLogFlush(resolve) {
  setTimeout(resolve, 50);
}

exports.handler = async (event) => {
  const config = await new Promise(readConfig);
  const enabled = config.features?.[event.feature] === true;
  console.log(JSON.stringify({ feature: event.feature, enabled }));
  await new Promise(waitForLogFlush);
  await new Promise(setImmediate);
  return { enabled };
};
