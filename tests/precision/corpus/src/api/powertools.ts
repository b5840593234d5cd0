import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";

const logger = new Logger({ serviceName: "catalog" });
const metrics = new Metrics({ namespace: "shop", serviceName: "catalog" });
const tracer = new Tracer({ serviceName: "catalog" });
const ddb = tracer.captureAWSv3Client(DynamoDBDocumentClient.from(new DynamoDBClient({})));

const lambdaHandler = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
  const sku = event.pathParameters?.sku ?? "";
  logger.appendKeys({ sku });
  const subsegment = tracer.getSegment()?.addNewSubsegment("### lookup");
  try {
    const { Item } = await ddb.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `SKU#${sku}` } }));
    metrics.addMetric(Item ? "CatalogHit" : "CatalogMiss", MetricUnit.Count, 1);
    if (!Item) {
      return { statusCode: 404, body: "" };
    }
    tracer.putAnnotation("found", true);
    return { statusCode: 200, body: JSON.stringify(Item) };
  } catch (error) {
    logger.error("lookup failed", error as Error);
    throw error;
  } finally {
    subsegment?.close();
  }
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(injectLambdaContext(logger, { clearState: true }));
