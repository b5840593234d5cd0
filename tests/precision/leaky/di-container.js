const fs = require('fs');

class Container {
  constructor(root) {
    this.root = root;
  }

  resolve(name) {
    return `${this.root}/${name}.json`;
  }
}

const container = new Container('/var/task/config');

exports.handler = async (event) => {
  fs.readFile(container.resolve(event.name), 'utf8', (err, text) => { // LEAK callback-api-leak
    if (!err) console.log(text.length);
  });
  return { name: event.name };
};
