import type { Handler } from "aws-lambda";

declare global {
  // The Lambda runtime's streaming global.
  const awslambda: {
    streamifyResponse<E>(handler: (event: E, stream: NodeJS.WritableStream) => Promise<void>): Handler<E, void>;
  };
}

export declare const handler: Handler;
export declare function main(event: unknown): Promise<void>;
