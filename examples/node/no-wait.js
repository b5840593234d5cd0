// no-wait-for-empty-event-loop: the response goes out while the connection pool is still busy.
const { Pool } = require("pg");

const pool = new Pool();

exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  pool.query("select now()").then((result) => callback(null, result.rows[0]));
};
