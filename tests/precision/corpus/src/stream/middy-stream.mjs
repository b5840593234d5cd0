import { Readable } from "node:stream";
import { on, once, EventEmitter } from "node:events";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import middy from "@middy/core";

async function put(row) {
  await fetch(process.env.SINK_URL, { method: "POST", body: row });
}

const lambdaHandler = async (event, context, { signal }) => {
  await Readable.from(event.rows).forEach(async (row) => {
    await put(row);
  }, { concurrency: 4 });

  const progress = new EventEmitter();
  const reader = createInterface({ input: createReadStream(`/tmp/${event.file}`) });
  reader.on("line", (line) => progress.emit("data", line.length));
  reader.on("close", () => progress.emit("end"));
  let total = 0;
  const ended = once(progress, "end");
  for await (const [length] of on(progress, "data", { signal, close: ["end"] })) {
    total += length;
  }
  await ended;
  return Readable.from([`${total}\n`]);
};

export const handler = middy(lambdaHandler, { streamifyResponse: true });
