import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { LambdaInterface } from "@aws-lambda-powertools/commons/types";
import type { Context, SQSEvent } from "aws-lambda";

const logger = new Logger();
const metrics = new Metrics({ namespace: "billing" });
const tracer = new Tracer();

class Lambda implements LambdaInterface {
  private readonly greeting = "invoice";

  @tracer.captureMethod()
  private async charge(invoiceId: string): Promise<string> {
    const response = await fetch(`https://payments.internal/invoices/${invoiceId}/charge`, { method: "POST" });
    return response.status === 200 ? "charged" : "declined";
  }

  @tracer.captureLambdaHandler()
  @metrics.logMetrics({ captureColdStartMetric: true, throwOnEmptyMetrics: false })
  @logger.injectLambdaContext({ logEvent: false })
  public async handler(event: SQSEvent, _context: Context): Promise<void> {
    for (const record of event.Records) {
      const outcome = await this.charge(record.body);
      metrics.addMetric(`${this.greeting}-${outcome}`, MetricUnit.Count, 1);
    }
    metrics.publishStoredMetrics();
  }
}

const handlerClass = new Lambda();
export const handler = handlerClass.handler.bind(handlerClass);
