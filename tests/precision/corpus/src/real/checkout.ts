import { SQSClient } from "@aws-sdk/client-sqs";
import Redis from "ioredis";
import { CheckoutService, PaymentGateway } from "./checkout-service";

const service = new CheckoutService(new PaymentGateway(), new SQSClient({}), new Redis(process.env.REDIS_URL!));

export const handler = async (event: { orderId: string; cents: number }) => {
  const cached = await service.recent(event.orderId);
  if (cached) {
    return { statusCode: 200, body: cached };
  }
  const charge = await service.checkout(event.orderId, event.cents);
  return { statusCode: 201, body: charge };
};
