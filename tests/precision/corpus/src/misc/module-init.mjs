import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { readFile } from "node:fs/promises";

const secrets = new SecretsManagerClient({});

// Top-level await: runs once during init, before the first invocation.
const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }));
const apiKey = JSON.parse(SecretString).apiKey;
const template = await readFile(new URL("./template.html", import.meta.url), "utf8");

// Started at init and awaited by every invocation.
const warmup = fetch(`${process.env.API_URL}/warmup`, { headers: { "x-api-key": apiKey } }).catch(() => undefined);

export const handler = async (event) => {
  await warmup;
  const response = await fetch(`${process.env.API_URL}/render`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ template, data: event }),
  });
  return { statusCode: response.status, body: await response.text() };
};
