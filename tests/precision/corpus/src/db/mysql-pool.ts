import mysql, { type Pool, type RowDataPacket } from "mysql2/promise";
import type { Handler } from "aws-lambda";

let pool: Pool | undefined;

function getPool(): Pool {
  if (!pool) {
    pool = mysql.createPool({
      host: process.env.DB_HOST,
      user: process.env.DB_USER,
      database: process.env.DB_NAME,
      connectionLimit: 2,
      waitForConnections: true,
    });
    pool.on("connection", (connection) => {
      connection.query("SET SESSION time_zone = '+00:00'");
    });
  }
  return pool;
}

interface Customer extends RowDataPacket {
  id: number;
  email: string;
}

export const handler: Handler<{ id: number }, Customer | null> = async (event) => {
  const [rows] = await getPool().execute<Customer[]>("SELECT id, email FROM customers WHERE id = ?", [event.id]);
  return rows[0] ?? null;
};
