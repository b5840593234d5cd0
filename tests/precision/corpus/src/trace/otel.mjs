import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("orders");

async function work(id) {
  const response = await fetch(`${process.env.API_URL}/work/${id}`);
  return response.json();
}

export const handler = async (event) =>
  tracer.startActiveSpan("handle", async (span) => {
    try {
      const results = await Promise.all([...Array(3)].map(async (_, i) => work(`${event.id}-${i}`)));
      const more = await Promise.all(Array.from({ length: 2 }, (_, i) => work(i)));
      return [...results, ...more];
    } catch (e) {
      span.recordException(e);
      throw e;
    } finally {
      span.end();
    }
  });
