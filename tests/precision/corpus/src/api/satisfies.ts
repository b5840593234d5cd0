import type { Handler } from "aws-lambda";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

const lambda = new LambdaClient({});

export const handler = (async (event: { target: string; payload: unknown }) => {
  const { StatusCode, Payload } = await lambda.send(
    new InvokeCommand({ FunctionName: event.target, Payload: Buffer.from(JSON.stringify(event.payload)) }),
  );
  return { StatusCode, body: Payload ? Buffer.from(Payload).toString("utf8") : null };
}) satisfies Handler;
