import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../shared/adapters/dynamodb/client';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/schema';
import type { WebhookSender } from '../../shared/adapters/webhook/sender';
import type { Clock } from '../../shared/core/clock';
import type { EventEnvelope } from '../../shared/core/events';
import type { Log, Metrics } from '../../shared/core/observability';
import type { DeadLetter, DeadLetters } from '../../shared/core/ports/dead-letters';
import type { EventSink } from '../../shared/core/ports/events';
import { afterFailedAttempt, type WebhookRetryPolicy } from '../../shared/core/webhooks';
import { TaskTracker } from '../tasks';

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const PREFIX = 'WEBHOOK#';
/** A delivery still being tried, and one whose retries are over. */
type State = 'PENDING' | 'DEAD';

/** A webhook delivery as the local runtime keeps it in its table. */
export interface LocalDelivery {
  event: EventEnvelope;
  /** The first attempt (of this try: a replay starts a new one); the retry window runs from here. */
  firstAttemptAt: string;
  /** Failed attempts so far. */
  attempts: number;
  /** When the next attempt is due (pending) or when it was given up (dead). */
  at: string;
  /** Why the last attempt failed. */
  lastError?: string;
}

/** Options of {@link LocalWebhooks}. */
export interface LocalWebhooksOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  sender: Pick<WebhookSender, 'send'>;
  policy: WebhookRetryPolicy;
  clock: Clock;
  log: Log;
  metrics: Metrics;
}

const keyOf = (eventId: string, state: State) => ({ [PK]: `${PREFIX}${eventId}`, [SK]: state });

/** A delivery as stored, without the item's keys (so that a put under other keys cannot keep the old ones). */
const withoutKeys = (item: Record<string, unknown>): LocalDelivery => {
  const { [PK]: _pk, [SK]: _sk, ...delivery } = item;
  return delivery as unknown as LocalDelivery;
};

/**
 * The merchant webhook in the local runtime (docs/events.md §3), with the retry policy of the
 * stack's queue (shared/core/webhooks.ts) run by timers. Each event is kept in the table as a
 * pending delivery until a receiver takes it, so with DATA_DIR a restart picks up what was
 * pending ({@link start}); a delivery whose retry window is over becomes a dead letter in the
 * table, listed and replayed (same event, same id) through the merchant's dead-letter routes
 * (functions/dead-letters.ts), as the stack's SQS dead-letter queue is.
 */
export class LocalWebhooks implements EventSink, DeadLetters {
  readonly name = 'webhook';
  readonly #o: LocalWebhooksOptions;
  readonly #tasks = new TaskTracker();

  constructor(options: LocalWebhooksOptions) {
    this.#o = options;
  }

  /** Keeps the event for delivery and makes the first attempt at once; a redelivered event already pending is not doubled. */
  async deliver(event: EventEnvelope): Promise<void> {
    const now = this.#o.clock().toISOString();
    const delivery: LocalDelivery = { event, firstAttemptAt: now, attempts: 0, at: now };
    try {
      await this.#o.client.send(
        new PutCommand({
          TableName: this.#o.tableName,
          Item: { ...delivery, ...keyOf(event.id, 'PENDING') },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return;
      throw error;
    }
    this.#attemptAfter(event.id, 0);
  }

  /** Schedules every delivery left pending by an earlier run (with DATA_DIR), each at its due time. */
  async start(): Promise<void> {
    const now = this.#o.clock().getTime();
    for (const delivery of await this.#list('PENDING')) {
      this.#attemptAfter(delivery.event.id, Math.max(0, Date.parse(delivery.at) - now));
    }
  }

  /** The dead letters, oldest event first, at most `limit`. */
  async list(limit: number): Promise<DeadLetter[]> {
    return (await this.#deadLetters()).slice(0, limit).map((dead) => ({
      event: dead.event,
      attempts: dead.attempts,
      ...(dead.lastError !== undefined && { lastError: dead.lastError }),
      firstAttemptAt: dead.firstAttemptAt,
      deadLetteredAt: dead.at,
    }));
  }

  /**
   * Delivers dead letters again, the same events with the same ids, under a fresh retry window:
   * those named by `eventIds`, or all. Resolves with the ids replayed.
   */
  async replay(eventIds?: readonly string[]): Promise<string[]> {
    const wanted = eventIds && new Set(eventIds);
    const replayed: string[] = [];
    for (const dead of await this.#deadLetters()) {
      if (wanted && !wanted.has(dead.event.id)) continue;
      await this.#remove(dead.event.id, 'DEAD');
      await this.deliver(dead.event);
      replayed.push(dead.event.id);
    }
    return replayed;
  }

  /** Resolves once no attempt is running or waiting (tests). */
  async idle(): Promise<void> {
    await this.#tasks.idle();
  }

  /** Cancels the waiting retries (they stay pending in the table) and waits for attempts running. */
  async close(): Promise<void> {
    await this.#tasks.close();
  }

  async #deadLetters(): Promise<LocalDelivery[]> {
    return (await this.#list('DEAD')).sort((a, b) => a.event.createdAt.localeCompare(b.event.createdAt));
  }

  #attemptAfter(eventId: string, delayMs: number): void {
    this.#tasks.track(
      (async () => {
        if (await this.#tasks.sleep(delayMs)) await this.#attempt(eventId);
      })().catch((error: unknown) => this.#o.log.error('webhook attempt failed to run', { eventId, error })),
    );
  }

  async #attempt(eventId: string): Promise<void> {
    const { Item } = await this.#o.client.send(
      new GetCommand({ TableName: this.#o.tableName, Key: keyOf(eventId, 'PENDING'), ConsistentRead: true }),
    );
    if (!Item) return;
    const delivery = withoutKeys(Item);
    try {
      const status = await this.#o.sender.send(delivery.event);
      await this.#remove(eventId, 'PENDING');
      this.#o.metrics.count('WebhookDelivered');
      this.#o.log.info('webhook delivered', { eventId, status, attempts: delivery.attempts + 1 });
      return;
    } catch (error) {
      this.#o.metrics.count('WebhookFailed');
      const now = this.#o.clock();
      const failed: LocalDelivery = {
        ...delivery,
        attempts: delivery.attempts + 1,
        at: now.toISOString(),
        lastError: (error as Error).message,
      };
      const next = afterFailedAttempt(
        this.#o.policy,
        failed.attempts,
        new Date(delivery.firstAttemptAt),
        now,
      );
      if (next.kind === 'dead-letter') {
        await this.#put(failed, 'DEAD');
        await this.#remove(eventId, 'PENDING');
        this.#o.metrics.count('WebhookDeadLettered');
        this.#o.log.error('webhook dead-lettered after its retries', {
          eventId,
          attempts: failed.attempts,
          reason: failed.lastError,
        });
        return;
      }
      const delayMs = next.delaySeconds * 1000;
      await this.#put({ ...failed, at: new Date(now.getTime() + delayMs).toISOString() }, 'PENDING');
      this.#o.log.warn('webhook failed, will retry', {
        eventId,
        attempts: failed.attempts,
        reason: failed.lastError,
        delaySeconds: next.delaySeconds,
      });
      this.#attemptAfter(eventId, delayMs);
    }
  }

  async #list(state: State): Promise<LocalDelivery[]> {
    const found: LocalDelivery[] = [];
    // A scan is fine here: the local table is small, and this runs at start-up or on request.
    const pages = paginateScan(
      { client: this.#o.client },
      {
        TableName: this.#o.tableName,
        FilterExpression: 'begins_with(#pk, :prefix) AND #sk = :state',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':prefix': PREFIX, ':state': state },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) found.push(withoutKeys(item));
    }
    return found;
  }

  async #put(delivery: LocalDelivery, state: State): Promise<void> {
    await this.#o.client.send(
      new PutCommand({
        TableName: this.#o.tableName,
        Item: { ...delivery, ...keyOf(delivery.event.id, state) },
      }),
    );
  }

  async #remove(eventId: string, state: State): Promise<void> {
    await this.#o.client.send(
      new DeleteCommand({ TableName: this.#o.tableName, Key: keyOf(eventId, state) }),
    );
  }
}
