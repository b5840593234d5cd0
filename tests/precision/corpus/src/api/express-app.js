const express = require('express');
const serverless = require('serverless-http');
const { Pool } = require('pg');

const app = express();
const pool = new Pool({ max: 1, idleTimeoutMillis: 120000 });

pool.on('error', (err) => {
  console.error('idle client error', err);
});

app.use(express.json());

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

app.get('/products/:id', async (req, res, next) => {
  try {
    const { rows } = await pool.query('SELECT * FROM products WHERE id = $1', [req.params.id]);
    if (rows.length === 0) return res.status(404).json({ message: 'not found' });
    return res.json(rows[0]);
  } catch (err) {
    return next(err);
  }
});

// Express error middleware: four parameters, not a Lambda handler.
const errorHandler = (err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ message: err.expose ? err.message : 'internal error' });
};
app.use(errorHandler);

module.exports.handler = serverless(app);

if (require.main === module) {
  app.listen(3000, () => console.log('listening on :3000'));
}
