/// <reference types="node" />
import "reflect-metadata";
import type { SQSEvent, SQSBatchResponse, SQSBatchItemFailure } from "aws-lambda";
import { SQSClient, DeleteMessageCommand } from "@aws-sdk/client-sqs";

const INJECTABLES = new Map<string, unknown>();

function Injectable(token?: string): ClassDecorator {
  return (target) => {
    INJECTABLES.set(token ?? target.name, target);
  };
}

function Inject(token: string): ParameterDecorator {
  return (_target, _key, index) => {
    Reflect.defineMetadata(`inject:${index}`, token, _target);
  };
}

export const enum Priority {
  Low = 1,
  High = 2,
}

type Handlers<T extends string> = { [K in T]: (body: string) => Promise<void> };
type Unwrap<P> = P extends Promise<infer V> ? V : P;

declare module "aws-lambda" {
  interface SQSRecordAttributes {
    Priority?: string;
  }
}

interface Repository<T> {
  save(item: T): Promise<void>;
  readonly name: string;
  [extra: string]: unknown;
}

@Injectable("orders")
class OrdersRepository implements Repository<{ id: string }> {
  static #instances = 0;
  readonly name = "orders";
  [extra: string]: unknown;
  #saved = 0;

  static {
    OrdersRepository.#instances = 0;
  }

  constructor() {
    OrdersRepository.#instances += 1;
  }

  get saved(): number {
    return this.#saved;
  }

  async save(item: { id: string }): Promise<void> {
    const response = await fetch(`${process.env.API_URL}/orders/${item.id}`, { method: "PUT" });
    if (!response.ok) throw new Error(`save failed: ${response.status}`);
    this.#saved += 1;
  }

  private async audit(this: OrdersRepository, id: string): Promise<Unwrap<Promise<string>>> {
    return `${this.name}:${id}`;
  }

  async saveAndAudit(item: { id: string }) {
    await this.save(item);
    return this.audit(item.id);
  }
}

@Injectable()
class Consumer {
  private readonly sqs = new SQSClient({});

  constructor(@Inject("orders") private readonly orders: OrdersRepository) {}

  handlers(): Handlers<"order" | "ping"> {
    return {
      order: async (body) => {
        await this.orders.saveAndAudit(JSON.parse(body) as { id: string });
      },
      ping: async () => undefined,
    };
  }

  async consume(event: SQSEvent): Promise<SQSBatchResponse> {
    const failures: SQSBatchItemFailure[] = [];
    const handlers = this.handlers();
    for (const record of event.Records) {
      const kind = (record.messageAttributes.kind?.stringValue ?? "order") as keyof typeof handlers;
      try {
        await handlers[kind](record.body);
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: process.env.QUEUE_URL, ReceiptHandle: record.receiptHandle }),
        );
      } catch {
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  }
}

function overloaded(value: string): Promise<string>;
function overloaded(value: number): Promise<number>;
async function overloaded(value: string | number) {
  return value;
}

const consumer = new Consumer(new OrdersRepository());

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const priority = (await overloaded(Number(event.Records[0]?.attributes.ApproximateReceiveCount ?? 1))) > 3
    ? Priority.High
    : Priority.Low;
  console.log({ priority });
  return consumer.consume(event);
};
