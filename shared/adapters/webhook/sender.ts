import { Webhook } from 'standardwebhooks';
import type { EventEnvelope } from '../../core/events';

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /** The merchant's receiver (`WEBHOOK_URL`, the `webhookUrl` context). */
  url: string;
  /** `whsec_<base64>`; read for every delivery, so a new secret is used as soon as it is stored. */
  secret: () => Promise<string> | string;
  /** How long a receiver has to answer; default 10 s (docs/events.md §3). */
  timeoutMs?: number;
  /** Injectable for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  now?: () => Date;
}

/** A delivery that did not count: another status than 2xx, a timeout, no connection. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    /** The receiver's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** docs/events.md §3: a 2xx within 10 seconds is delivered. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The headers of one delivery attempt, signed as Standard Webhooks specifies. */
export const webhookHeaders = (
  secret: string,
  id: string,
  body: string,
  at: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> => ({
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  // HMAC-SHA256 over "<id>.<timestamp>.<body>" with the base64-decoded secret, `v1,<base64>`.
  'webhook-signature': new Webhook(secret).sign(id, at, body),
});

/**
 * Posts an event to the merchant's webhook (docs/events.md §3): the envelope as the body, the
 * Standard Webhooks headers with a signature made for this attempt. One attempt per call and
 * nothing retried here: the caller applies the retry policy (shared/core/webhooks.ts) through its
 * queue or timers. Redirects are not followed: an answer must come from the configured URL.
 */
export class WebhookSender {
  readonly #url: string;
  readonly #secret: WebhookSenderOptions['secret'];
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => Date;

  constructor(options: WebhookSenderOptions) {
    this.#url = options.url;
    this.#secret = options.secret;
    this.#timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? (() => new Date());
  }

  /** Resolves with the receiver's 2xx status; throws {@link WebhookDeliveryError} for anything else. */
  async send(event: EventEnvelope): Promise<number> {
    const body = JSON.stringify(event);
    const headers = webhookHeaders(await this.#secret(), event.id, body, this.#now());
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'zalopay-qr-webhooks', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
      throw new WebhookDeliveryError(
        name === 'TimeoutError'
          ? `no answer within ${this.#timeoutMs} ms`
          : `no connection: ${cause?.code ?? cause?.message ?? message}`,
      );
    }
    // The answer's body is not ours to read: free the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      throw new WebhookDeliveryError(`answered HTTP ${response.status}`, response.status);
    }
    return response.status;
  }
}
