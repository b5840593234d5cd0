import { createClient } from "redis";

const redis = createClient({ url: process.env.REDIS_URL });
redis.on("error", (err) => console.error("redis error", err));
let connecting;

async function ready() {
  connecting ??= redis.connect();
  await connecting;
  return redis;
}

async function loadFromOrigin(key) {
  const response = await fetch(`${process.env.ORIGIN}/items/${key}`);
  return response.text();
}

export const handler = async (event) => {
  const key = event.pathParameters.key;
  const client = await ready();
  const hit = await client.get(key);
  if (hit !== null) {
    return { statusCode: 200, headers: { "x-cache": "hit" }, body: hit };
  }
  const value = await loadFromOrigin(key);
  await client.set(key, value, { EX: 300 });
  return { statusCode: 200, headers: { "x-cache": "miss" }, body: value };
};
