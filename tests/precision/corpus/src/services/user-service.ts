import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { APIGatewayProxyHandlerV2 } from "aws-lambda";

export class UserRepository {
  constructor(
    private readonly client = DynamoDBDocumentClient.from(new DynamoDBClient({})),
    private readonly table = process.env.TABLE_NAME!,
  ) {}

  async find(id: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: `USER#${id}` } }));
    return Item;
  }

  async touch(id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `USER#${id}` },
        UpdateExpression: "SET lastLogin = :now",
        ExpressionAttributeValues: { ":now": Date.now() },
      }),
    );
  }
}

class Mailer {
  private readonly ses = new SESv2Client({});

  async welcomeBack(email: string) {
    return this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: "noreply@example.com",
        Destination: { ToAddresses: [email] },
        Content: { Simple: { Subject: { Data: "Welcome back" }, Body: { Text: { Data: "Good to see you." } } } },
      }),
    );
  }
}

class LoginService {
  constructor(
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
  ) {}

  async login(id: string) {
    const user = await this.users.find(id);
    if (!user) return undefined;
    await this.users.touch(id);
    if (Date.now() - Number(user.lastLogin ?? 0) > 30 * 24 * 3600 * 1000) {
      await this.mailer.welcomeBack(user.email);
    }
    return user;
  }
}

const repository = new UserRepository();
const mailer = new Mailer();
const service = new LoginService(repository, mailer);

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const user = await service.login(event.pathParameters!.id!);
  return user ? { statusCode: 200, body: JSON.stringify(user) } : { statusCode: 404 };
};
