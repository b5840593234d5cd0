import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

interface OrderData {
  id: string;
  total: number;
}

// An active-record model: static async loaders next to synchronous instance helpers of the same name.
export class Order {
  static async load(id: string): Promise<Order | undefined> {
    const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `ORDER#${id}` } }));
    return Item ? new Order(Item as OrderData) : undefined;
  }

  static validate(data: Partial<OrderData>): data is OrderData {
    return typeof data.id === "string" && typeof data.total === "number";
  }

  constructor(private data: OrderData) {}

  load(patch: Partial<OrderData>): this {
    this.data = { ...this.data, ...patch };
    return this;
  }

  async validate(): Promise<boolean> {
    const response = await fetch(`${process.env.API_URL}/validate`, { method: "POST", body: JSON.stringify(this.data) });
    return response.ok;
  }

  async save(): Promise<void> {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: `ORDER#${this.data.id}`, ...this.data } }));
  }
}

export const handler = async (event: { body: string }) => {
  const input = JSON.parse(event.body) as Partial<OrderData>;
  if (!Order.validate(input)) {
    return { statusCode: 422 };
  }
  const existing = await Order.load(input.id);
  const order = new Order(input);
  if (existing) order.load({ total: input.total });
  if (!(await order.validate())) {
    return { statusCode: 409 };
  }
  await order.save();
  return { statusCode: 200 };
};
