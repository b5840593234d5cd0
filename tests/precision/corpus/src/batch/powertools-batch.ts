import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import type { SQSEvent, SQSRecord, Context, SQSBatchResponse } from "aws-lambda";

const processor = new BatchProcessor(EventType.SQS);
const logger = new Logger();

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const payload = JSON.parse(record.body) as { url: string };
  const response = await fetch(payload.url, { method: "HEAD" });
  if (!response.ok) {
    throw new Error(`${payload.url} answered ${response.status}`);
  }
  logger.info("checked", { url: payload.url });
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context });
