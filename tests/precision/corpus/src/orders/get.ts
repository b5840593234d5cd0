import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
const TABLE_NAME = process.env.TABLE_NAME!;

interface OrderItem {
  sku: string;
  quantity: number;
}

interface Order {
  pk: string;
  customerId: string;
  items: OrderItem[];
}

async function loadOrder(id: string): Promise<Order | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${id}` } }));
  return Item as Order | undefined;
}

function loadHistory(customerId: string) {
  return client.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      IndexName: "byCustomer",
      KeyConditionExpression: "customerId = :c",
      ExpressionAttributeValues: { ":c": customerId },
      Limit: 10,
    }),
  );
}

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyResultV2> => {
  const id = event.pathParameters?.id;
  if (!id) {
    return { statusCode: 400, body: JSON.stringify({ message: "missing id" }) };
  }
  const order = await loadOrder(id);
  if (!order) {
    return { statusCode: 404, body: JSON.stringify({ message: "not found", requestId: context.awsRequestId }) };
  }
  const history = event.queryStringParameters?.history === "1" ? await loadHistory(order.customerId) : undefined;
  return {
    statusCode: 200,
    body: JSON.stringify({ order, history: history?.Items ?? [] }),
  };
};
