// Quota checks that await before using the answer, and synchronous helpers used in expressions.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const LIMIT = Number(process.env.DAILY_LIMIT ?? 100);

async function usedToday(account) {
  const { Item } = await table.send(new GetCommand({ TableName: process.env.TABLE, Key: { pk: account } }));
  return Item?.used ?? 0;
}

const remaining = (used) => Math.max(0, LIMIT - used);
const isWeekend = (date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

export const handler = async (event) => {
  const used = await usedToday(event.account);
  if (remaining(used) <= 0 && !isWeekend(new Date())) {
    return { statusCode: 429, body: `limit of ${LIMIT} reached` };
  }
  let cost = 0;
  for (const item of event.items) {
    cost += item.weight * 2;
  }
  if (!(await usedToday(`${event.account}#blocked`))) {
    await table.send(
      new UpdateCommand({
        TableName: process.env.TABLE,
        Key: { pk: event.account },
        UpdateExpression: "ADD used :n",
        ExpressionAttributeValues: { ":n": cost },
      }),
    );
  }
  return { statusCode: 200, body: `used ${used + cost} of ${LIMIT}` };
};
