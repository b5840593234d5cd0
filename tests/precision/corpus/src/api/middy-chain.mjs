import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import httpErrorHandler from "@middy/http-error-handler";
import cors from "@middy/http-cors";

// A custom middleware: its hooks are awaited by middy.
const timing = () => {
  let started;
  return {
    before: async () => {
      started = Date.now();
    },
    after: async (request) => {
      request.response.headers = { ...request.response.headers, "server-timing": `app;dur=${Date.now() - started}` };
    },
  };
};

async function lookup(term) {
  const response = await fetch(`https://api.example.com/search?q=${encodeURIComponent(term)}`, {
    signal: AbortSignal.timeout(3000),
  });
  if (!response.ok) {
    throw new Error(`search failed: ${response.status}`);
  }
  return response.json();
}

export const handler = middy()
  .use(httpHeaderNormalizer())
  .use(httpJsonBodyParser())
  .use(timing())
  .use(cors())
  .use(httpErrorHandler())
  .handler(async (event) => {
    const results = await lookup(event.body.term);
    return { statusCode: 200, body: JSON.stringify(results) };
  });
