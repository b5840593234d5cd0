import middy from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

async function load<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(httpErrorHandler())
  .handler(async (event) => {
    const item = await load<{ id: string }>(`${process.env.API_URL}${event.path}`);
    return { statusCode: 200, body: JSON.stringify(item) };
  });
