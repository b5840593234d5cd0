import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE });
const sqs = new SQSClient({});

export const handler = makeIdempotent(
  async (event) => {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(event) }),
    );
    return { messageId: MessageId };
  },
  { persistenceStore },
);
