import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

const cloudwatch = new CloudWatchClient({});

async function* windows(start, end, stepMs) {
  for (let t = start; t < end; t += stepMs) {
    yield { from: t, to: Math.min(end, t + stepMs) };
  }
}

async function main(event) {
  const end = Date.parse(event.time);
  const metrics = [];
  for await (const window of windows(end - 3600_000, end, 300_000)) {
    metrics.push({ MetricName: "Window", Value: window.to - window.from, Unit: "Milliseconds" });
  }
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: "Orders", MetricData: metrics }));
  return metrics.length;
}

const healthHandler = async () => ({ statusCode: 200, body: "ok" });

export { main, main as handler, healthHandler };
