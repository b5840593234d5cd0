import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { randomUUID } from "node:crypto";

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const events = new EventBridgeClient({});
const TABLE = process.env.TABLE_NAME;

const json = (statusCode, body) => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function publishCreated(order) {
  const { FailedEntryCount } = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: "orders",
          DetailType: "OrderCreated",
          Detail: JSON.stringify(order),
        },
      ],
    }),
  );
  if (FailedEntryCount) {
    throw new Error(`failed to publish ${FailedEntryCount} event(s)`);
  }
}

export const handler = async (event) => {
  let payload;
  try {
    payload = JSON.parse(event.body ?? "{}");
  } catch {
    return json(400, { message: "body must be JSON" });
  }
  if (!Array.isArray(payload.items) || payload.items.length === 0) {
    return json(422, { message: "an order needs items" });
  }

  const order = {
    pk: `ORDER#${randomUUID()}`,
    customerId: payload.customerId,
    items: payload.items,
    createdAt: new Date().toISOString(),
  };

  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: TABLE, Item: order, ConditionExpression: "attribute_not_exists(pk)" } },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: `CUSTOMER#${order.customerId}` },
            UpdateExpression: "ADD orderCount :one",
            ExpressionAttributeValues: { ":one": 1 },
          },
        },
      ],
    }),
  );
  await Promise.all([
    publishCreated(order),
    ddb.send(new PutCommand({ TableName: TABLE, Item: { pk: `AUDIT#${order.pk}`, at: order.createdAt } })),
  ]);

  return json(201, { id: order.pk });
};
