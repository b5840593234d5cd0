import { fileURLToPath } from "url";
import { parseArgs } from "util";
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from "@aws-sdk/client-s3";

export const main = async ({ bucketName, key }) => {
  const client = new S3Client({});
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
    const str = await response.Body.transformToString();
    console.log(str);
  } catch (caught) {
    if (caught instanceof NoSuchKey) {
      console.error(`Error from S3 while getting object "${key}" from "${bucketName}". No such key exists.`);
    } else if (caught instanceof S3ServiceException) {
      console.error(`Error from S3 while getting object from ${bucketName}.  ${caught.name}: ${caught.message}`);
    } else {
      throw caught;
    }
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { bucketName: { type: "string", default: "amzn-s3-demo-bucket" }, key: { type: "string", default: "demo-key.txt" } } });
  main(values);
}
