import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { channelOf, type EventEnvelope, pushMessageOf } from '../../core/events';
import type { EventSink } from '../../core/ports/events';

/** Options of {@link AppSyncEventsPublisher}. */
export interface AppSyncEventsPublisherOptions {
  /**
   * The Event API's HTTP publish endpoint: `https://<id>.appsync-api.<region>.amazonaws.com/event`
   * on AWS, `http://localhost:3000/event` locally.
   */
  endpoint: string;
  /** The region requests are signed for. */
  region: string;
  /** Read for every request: on Lambda, the execution role's credentials in the environment. */
  credentials: () => Promise<AwsCredentialIdentity> | AwsCredentialIdentity;
  /** Per publish; default 5 s. */
  timeoutMs?: number;
  /** Injectable for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** A publish AppSync Events did not accept, or that got no answer. */
export class PushPublishError extends Error {
  override readonly name = 'PushPublishError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * The buyer push of docs/events.md §5: publishes each event's push message to its order's channel
 * through AppSync Events' HTTP publish API, signed with SigV4 (`appsync`), so only a role allowed
 * to publish can. The same code publishes to the local stand-in of `npm start`, which checks the
 * signature the same way. Nothing is retried here: the change feed retries the whole event.
 */
export class AppSyncEventsPublisher implements EventSink {
  readonly name = 'push';
  readonly #endpoint: URL;
  readonly #signer: SignatureV4;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: AppSyncEventsPublisherOptions) {
    this.#endpoint = new URL(options.endpoint);
    this.#signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: async () => options.credentials(),
      sha256: Sha256,
    });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? fetch;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    await this.publish(channelOf(event.data.order.appTransId), [pushMessageOf(event)]);
  }

  /** Publishes `messages` (at most 5, AppSync's batch limit) to `channel`; throws unless all were accepted. */
  async publish(channel: string, messages: readonly unknown[]): Promise<void> {
    const body = JSON.stringify({ channel, events: messages.map((m) => JSON.stringify(m)) });
    const url = this.#endpoint;
    const signed = await this.#signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port && { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    });
    // fetch sets Host itself, to the very value signed.
    const { host: _, ...headers } = signed.headers;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new PushPublishError(`publish to ${channel} got no answer: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => undefined)) as
      | {
          failed?: { code?: number; message?: string }[];
          errors?: { errorType?: string; message?: string }[];
        }
      | undefined;
    if (!response.ok) {
      const why = answer?.errors?.map((e) => e.errorType ?? e.message).join(', ') || 'no error body';
      throw new PushPublishError(
        `publish to ${channel} refused: HTTP ${response.status} (${why})`,
        response.status,
      );
    }
    if (!answer || (answer.failed?.length ?? 0) > 0) {
      throw new PushPublishError(
        `publish to ${channel}: ${answer?.failed?.length ?? 'all'} event(s) not accepted`,
      );
    }
  }
}
