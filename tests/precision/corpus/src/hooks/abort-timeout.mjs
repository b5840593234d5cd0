export async function handler(event, context) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(100, context.getRemainingTimeInMillis() - 500));
  try {
    const response = await fetch(event.url, { signal: controller.signal });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (error.name === "AbortError") {
      return { status: 504, body: "upstream timed out" };
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
