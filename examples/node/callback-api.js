// callback-api-leak: the fs callback runs after the async handler has returned.
const fs = require("fs");

exports.handler = async (event) => {
  fs.writeFile("/tmp/last-event.json", JSON.stringify(event), (err) => {
    if (err) console.error(err);
  });
  return { statusCode: 202 };
};
