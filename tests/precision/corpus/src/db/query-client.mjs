import { logger, query } from "../lib/pg-client.mjs";
import * as pgClient from "../lib/pg-client.mjs";

export const handler = async (event) => {
  logger.info("lookup", { id: event.id });
  const [user] = await query("SELECT * FROM users WHERE id = $1", [event.id]);
  const orders = await pgClient.query("SELECT * FROM orders WHERE user_id = $1", [event.id]);
  pgClient.logger.info("found", { orders: orders.length });
  await logger.flush();
  return { user, orders };
};
