import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";

const s3 = new S3Client({});

export const handler = awslambda.streamifyResponse(async (event, responseStream, _context) => {
  const key = event.queryStringParameters?.key;
  if (!key) {
    responseStream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 400 });
    responseStream.write("missing key");
    responseStream.end();
    return;
  }
  const object = await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET, Key: key }));
  const httpStream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { "content-type": object.ContentType ?? "application/octet-stream", "content-encoding": "gzip" },
  });
  await pipeline(object.Body, createGzip(), httpStream);
});
