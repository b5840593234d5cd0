import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { KinesisStreamEvent, KinesisStreamBatchResponse } from "aws-lambda";

const sns: SNSClient | undefined = process.env.TOPIC_ARN ? new SNSClient({}) : undefined;
const kinesis = new KinesisClient({});

const decode = (data: string) => JSON.parse(Buffer.from(data, "base64").toString("utf8")) as { id: string; level: string };

export const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  const forwarded: { Data: Uint8Array; PartitionKey: string }[] = [];
  for (const record of event.Records) {
    try {
      const entry = decode(record.kinesis.data);
      if (entry.level === "ERROR") {
        await sns?.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: JSON.stringify(entry) }));
      }
      forwarded.push({ Data: Buffer.from(JSON.stringify(entry)), PartitionKey: entry.id });
    } catch {
      failures.push({ itemIdentifier: record.kinesis.sequenceNumber });
    }
  }
  if (forwarded.length > 0) {
    await kinesis.send(new PutRecordsCommand({ StreamName: process.env.OUT_STREAM, Records: forwarded }));
  }
  return { batchItemFailures: failures };
};
