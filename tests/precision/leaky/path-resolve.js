const fs = require('fs');
const path = require('path');

exports.handler = async (event) => {
  const file = path.resolve(__dirname, 'templates', `${event.template}.html`);
  fs.readFile(file, 'utf8', (err, html) => { // LEAK callback-api-leak
    if (err) console.error(err);
    else console.log(html.length);
  });
  setTimeout(() => console.log('rendered', path.resolve(file)), 100); // LEAK timer-leak
  return { file };
};
