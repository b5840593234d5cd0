const { Pool } = require('pg');

const pool = new Pool({
  host: process.env.PGHOST,
  max: 1,
  idleTimeoutMillis: 60000,
  connectionTimeoutMillis: 2000,
});

async function inTransaction(work) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

exports.handler = async (event) => {
  const { accountId, amount } = JSON.parse(event.body);
  const balance = await inTransaction(async (client) => {
    const { rows } = await client.query('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    if (rows.length === 0) throw new Error('unknown account');
    const next = Number(rows[0].balance) - amount;
    await client.query('UPDATE accounts SET balance = $1 WHERE id = $2', [next, accountId]);
    return next;
  });
  return { statusCode: 200, body: JSON.stringify({ balance }) };
};
