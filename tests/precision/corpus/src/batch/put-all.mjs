import { SNSClient, PublishBatchCommand } from "@aws-sdk/client-sns";
import { putItem } from "../lib/ddb.js";
import { withRetry } from "../lib/retry.mjs";

const sns = new SNSClient({});

const chunk = (items, size) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

export const handler = async (event) => {
  const items = event.detail.items;
  await Promise.all(
    items.map(async (item) => {
      await withRetry(() => putItem({ pk: `ITEM#${item.id}`, ...item }));
    }),
  );
  const batches = chunk(items, 10).map((batch) =>
    sns.send(
      new PublishBatchCommand({
        TopicArn: process.env.TOPIC_ARN,
        PublishBatchRequestEntries: batch.map((item) => ({ Id: String(item.id), Message: JSON.stringify(item) })),
      }),
    ),
  );
  const published = await Promise.all(batches);
  return { stored: items.length, failed: published.flatMap((r) => r.Failed ?? []).length };
};
