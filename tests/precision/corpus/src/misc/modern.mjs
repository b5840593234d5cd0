import defaults from "./defaults.json" with { type: "json" };

const started = performance.now();
const MAX_BYTES = 5_000_000n;

class RateLimiter {
  #tokens;
  #refilledAt = Date.now();
  static #shared;

  static {
    RateLimiter.#shared = new RateLimiter(10);
  }

  static shared() {
    return RateLimiter.#shared;
  }

  constructor(tokens) {
    this.#tokens = tokens;
  }

  #refill() {
    const now = Date.now();
    this.#tokens = Math.min(10, this.#tokens + Math.floor((now - this.#refilledAt) / 100));
    this.#refilledAt = now;
  }

  async take() {
    this.#refill();
    while (this.#tokens <= 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      this.#refill();
    }
    this.#tokens -= 1;
  }
}

export const handler = async (event) => {
  const limiter = RateLimiter.shared();
  const settings = { ...defaults };
  settings.region ??= process.env.AWS_REGION;
  settings.retries ||= 3;
  settings.verbose &&= event.debug === true;
  const results = [];
  for (const url of event.urls ?? []) {
    await limiter.take();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const size = BigInt(response.headers.get("content-length") ?? "0");
      results.push({ url, ok: response.ok && size < MAX_BYTES });
    } catch {
      results.push({ url, ok: false });
    }
  }
  const matches = [...(event.text ?? "").matchAll(/(?<word>\p{L}+)/gu)].map((m) => m.groups.word);
  return { results, words: matches.length, ms: Math.round(performance.now() - started), meta: import.meta.url };
};
