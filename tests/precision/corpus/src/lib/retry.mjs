import { setTimeout as sleep } from "node:timers/promises";

const RETRYABLE = new Set(["ThrottlingException", "ProvisionedThroughputExceededException", "ServiceUnavailable"]);

export async function withRetry(operation, { attempts = 5, baseDelayMs = 50 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      lastError = error;
      if (!RETRYABLE.has(error.name) || attempt === attempts - 1) {
        break;
      }
      const jitter = Math.random() * baseDelayMs;
      await sleep(baseDelayMs * 2 ** attempt + jitter);
    }
  }
  throw lastError;
}

export const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
