const mysql = require('mysql');

const pool = mysql.createPool({ host: process.env.DB_HOST, connectionLimit: 1 });

exports.handler = (event, context, callback) => { // LEAK callback-handler
  context.callbackWaitsForEmptyEventLoop = false; // LEAK no-wait-for-empty-event-loop
  pool.query('SELECT * FROM users WHERE id = ?', [event.id], (err, rows) => {
    if (err) return callback(err);
    return callback(null, rows[0]);
  });
};
