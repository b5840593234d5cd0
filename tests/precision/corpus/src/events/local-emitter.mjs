import { EventEmitter } from "node:events";
import { Upload } from "@aws-sdk/lib-storage";
import { S3Client } from "@aws-sdk/client-s3";
import { createReadStream } from "node:fs";

const s3 = new S3Client({});

export const handler = async (event) => {
  const progress = new EventEmitter();
  const seen = [];
  progress.on("step", (name) => seen.push(name));

  const upload = new Upload({
    client: s3,
    params: { Bucket: process.env.BUCKET, Key: event.key, Body: createReadStream(`/tmp/${event.file}`) },
  });
  upload.on("httpUploadProgress", (p) => progress.emit("step", `${p.loaded}/${p.total}`));
  await upload.done();
  progress.emit("step", "done");
  progress.removeAllListeners();
  return { steps: seen.length };
};
