import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { Redis } from "ioredis";

export class PaymentGateway {
  /** @returns {Promise<string>} the charge id */
  charge(orderId: string, cents: number) {
    return fetch(`https://payments.internal/charges/${orderId}`, { method: "POST", body: String(cents) }).then((r) =>
      r.text(),
    );
  }
}

export class CheckoutService {
  private readonly metrics = new Map<string, number>();

  constructor(
    private readonly payments: PaymentGateway,
    private readonly queue: SQSClient,
    private readonly cache: Redis,
  ) {}

  async checkout(orderId: string, cents: number): Promise<string> {
    this.metrics.set(orderId, cents);
    const charge = await this.payments.charge(orderId, cents);
    await Promise.all([
      this.queue.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: charge })),
      this.cache.set(`order:${orderId}`, charge),
    ]);
    return charge;
  }

  recent(orderId: string) {
    return this.cache.get(`order:${orderId}`);
  }
}
