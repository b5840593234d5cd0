import type { Context } from "aws-lambda";

export const fakeContext = (overrides: Partial<Context> = {}): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: "test",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:test",
  memoryLimitInMB: "128",
  awsRequestId: "req-1",
  logGroupName: "/aws/lambda/test",
  logStreamName: "stream",
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
  ...overrides,
});

export async function invokeHandler<E, R>(handler: (event: E, context: Context) => Promise<R>, event: E) {
  const context = fakeContext();
  const pending = handler(event, context);
  context.succeed?.("ignored");
  return pending;
}
