import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { PassThrough } from "node:stream";
import { withRetry } from "../lib/retry.mjs";
import { getItem } from "../lib/ddb";

const s3 = new S3Client({});

// Declared in template.yaml as export-orders.exportOrders (not a default handler name).
export async function exportOrders(event: { orderIds: string[] }) {
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: { Bucket: process.env.EXPORT_BUCKET, Key: `exports/${Date.now()}.ndjson`, Body: body },
  });
  const done = upload.done();
  for (const id of event.orderIds) {
    const order = await withRetry(() => getItem(`ORDER#${id}`));
    if (order) body.write(`${JSON.stringify(order)}\n`);
  }
  body.end();
  const result = await done;
  return { location: result.Location, count: event.orderIds.length };
}
