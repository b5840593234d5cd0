import type { EventBridgeEvent, Context } from "aws-lambda";
import { SFNClient, SendTaskSuccessCommand, SendTaskFailureCommand } from "@aws-sdk/client-sfn";

export enum Status {
  Pending = "PENDING",
  Done = "DONE",
}

export namespace Codec {
  export function encode<T>(value: T): string {
    return JSON.stringify(value);
  }
  export async function decodeLater<T>(raw: string): Promise<T> {
    return JSON.parse(raw) as T;
  }
}

type Detail = { taskToken: string; jobId: string; status: Status };

const settings = {
  retries: 3,
  region: process.env.AWS_REGION ?? "eu-west-1",
} as const satisfies { retries: number; region: string };

abstract class Step<I, O> {
  abstract run(input: I): Promise<O>;

  async runLogged(input: I): Promise<O> {
    const started = Date.now();
    try {
      return await this.run(input);
    } finally {
      console.log(`${this.constructor.name} took ${Date.now() - started} ms`);
    }
  }
}

function sealed<T extends { new (...args: any[]): object }>(target: T): T {
  Object.seal(target.prototype);
  return target;
}

@sealed
class Report extends Step<Detail, string> {
  private readonly sfn = new SFNClient({ region: settings.region, maxAttempts: settings.retries });

  async run(input: Detail): Promise<string> {
    const payload = Codec.encode({ jobId: input.jobId, status: input.status });
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken: input.taskToken, output: payload }));
    return payload;
  }

  async fail(input: Detail, error: unknown): Promise<void> {
    await this.sfn.send(
      new SendTaskFailureCommand({ taskToken: input.taskToken, error: "ReportFailed", cause: String(error) }),
    );
  }
}

const step = new Report();

export async function handler(event: EventBridgeEvent<"JobFinished", Detail>, _context: Context): Promise<string> {
  const detail = <Detail>event.detail;
  const restored = await Codec.decodeLater<Detail>(JSON.stringify(detail));
  try {
    return await step.runLogged(restored!);
  } catch (error) {
    await step.fail(restored, error);
    throw error;
  }
}
