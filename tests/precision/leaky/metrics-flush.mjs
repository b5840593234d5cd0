import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

const cloudwatch = new CloudWatchClient({});
const buffered = [];

function count(name, value = 1) {
  buffered.push({ MetricName: name, Value: value, Unit: "Count", Timestamp: new Date() });
}

async function flushMetrics() {
  const batch = buffered.splice(0, buffered.length);
  if (batch.length > 0) {
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: "Orders", MetricData: batch }));
  }
}

export const handler = async (event) => {
  for (const record of event.Records) {
    count(record.eventName);
  }
  flushMetrics(); // LEAK floating-promise
  return { processed: event.Records.length };
};
