import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const s3 = new S3Client({ region: process.env.AWS_REGION });
const BUCKET = process.env.BUCKET;

export async function handler(event) {
  const key = decodeURIComponent(event.Records[0].s3.object.key.replace(/\+/g, " "));
  const response = await s3.send(new GetObjectCommand({ Bucket: event.Records[0].s3.bucket.name, Key: key }));
  const body = await response.Body.transformToString("utf-8");
  const rows = body
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => line.split(","));

  const summary = {
    key,
    rows: rows.length,
    columns: rows[0]?.length ?? 0,
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `summaries/${key}.json`,
      Body: JSON.stringify(summary),
      ContentType: "application/json",
    }),
  );
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: `summaries/${key}.json` }), {
    expiresIn: 3600,
  });
  return { ...summary, url };
}
