import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** Options of {@link webhookEcho}. */
export interface WebhookEchoOptions {
  /** The secret `npm start` signs with (`whsec_…`). */
  secret: string;
  /** The answer to a verified delivery: 204, or 500 to watch the retries. */
  status: number;
  /** Where each line goes. */
  print: (line: string) => void;
}

/**
 * A merchant's webhook receiver in a few lines (docs/events.md §3), as `npm run webhook-echo`
 * serves it: each delivery is verified with the `standardwebhooks` package over the raw body,
 * before anything is read from it, then printed; a delivery that does not verify gets 400.
 */
export const webhookEcho = ({ secret, status, print }: WebhookEchoOptions) => {
  const webhook = new Webhook(secret);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const time = new Date().toISOString().slice(11, 23);
      try {
        const event = webhook.verify(body, req.headers as Record<string, string>) as {
          id: string;
          type: string;
          data: { order: { status: string; amount: number } };
        };
        const { status: orderStatus, amount } = event.data.order;
        print(
          `${time}  ✓ ${event.type.padEnd(14)} ${event.id}  ${orderStatus}  ${amount.toLocaleString('vi-VN')} ₫`,
        );
        res.writeHead(status).end();
      } catch (error) {
        const why = error instanceof WebhookVerificationError ? error.message : 'not an order event';
        print(`${time}  ✗ refused ${req.headers['webhook-id'] ?? '(no webhook-id)'}: ${why}`);
        res.writeHead(400).end();
      }
    });
  };
};
