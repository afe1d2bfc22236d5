import { randomBytes } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isOrderKey } from '../../shared/adapters/dynamodb/order-store';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/schema';
import type { Log } from '../../shared/core/observability';
import { TaskTracker } from '../tasks';

type Item = Record<string, unknown>;

/** The order-events handler, as the stream's event source mapping invokes it. */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

/** Options of {@link LocalChangeFeed}. */
export interface LocalChangeFeedOptions {
  handler: StreamHandler;
  tableName: string;
  log: Log;
  /** Records per invocation, at most (the stack's mapping uses the same). */
  batchSize?: number;
  /** The first retry of a failed batch waits this long, doubling up to 30 s. */
  retryDelayMs?: number;
  /** Retries of one batch before it is given up (logged), as the stack's mapping does. */
  retryAttempts?: number;
}

/** The stack's event source mapping: docs/events.md §1 (infra/constructs/order-events.ts uses the same). */
export const STREAM_BATCH_SIZE = 10;
export const STREAM_RETRY_ATTEMPTS = 10;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * As DynamoDB Streams would give the item. The old image comes back from the document client as
 * plain objects, whose keys may include `constructor` (metadata keys are the merchant's), which the
 * marshaller would take for a class instance without `convertClassInstanceToMap`.
 */
const marshalled = (item: Item) =>
  marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** `pk`/`sk` of an item, the stream's `Keys`. */
const keysOf = (item: Item): Item => ({
  [TABLE_KEYS.partitionKey]: item[TABLE_KEYS.partitionKey],
  [TABLE_KEYS.sortKey]: item[TABLE_KEYS.sortKey],
});

/**
 * DynamoDB Streams for the local runtime (docs/events.md §1): dynalite has none, so the document
 * client the stores use is wrapped ({@link wrap}) and each successful write of an order item adds
 * the record DynamoDB Streams would (view type NEW_AND_OLD_IMAGES: `INSERT` or `MODIFY`, the keys,
 * the new image and the old one, which the write returns with `ReturnValues: ALL_OLD`). Records
 * are handed to the order-events handler in write order per order, in batches, as Lambda's event
 * source mapping does: a partial batch response resumes from the first failed record, a thrown
 * error retries the batch, with back-off, up to `retryAttempts` times; then the batch is logged
 * and dropped, as the stack's on-failure destination would keep it.
 *
 * Unlike the real stream, records live in memory: those not yet handled when the process dies are
 * lost (the orders themselves are not), see the README.
 */
export class LocalChangeFeed {
  readonly #o: Required<Omit<LocalChangeFeedOptions, 'log' | 'handler' | 'tableName'>> &
    Pick<LocalChangeFeedOptions, 'log' | 'handler' | 'tableName'>;
  /** Records waiting, per order: each order is a shard of its own, handled in order. */
  readonly #shards = new Map<string, DynamoDBRecord[]>();
  /** Writes of one order item in flight, one at a time, so that records follow commit order. */
  readonly #writes = new Map<string, Promise<unknown>>();
  readonly #tasks = new TaskTracker();
  #sequence = 0;

  constructor(options: LocalChangeFeedOptions) {
    this.#o = {
      batchSize: STREAM_BATCH_SIZE,
      retryDelayMs: 200,
      retryAttempts: STREAM_RETRY_ATTEMPTS,
      ...options,
    };
  }

  /**
   * The document client, with every PutItem of an order item reported to the feed once DynamoDB
   * has accepted it. The stores change orders with PutItem only; an UpdateItem or DeleteItem of an
   * order item is refused, as it would make no record here.
   */
  wrap(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
    const send = async (command: unknown, options?: unknown): Promise<unknown> => {
      const call = (c: unknown) => (client.send as (c: unknown, o?: unknown) => Promise<unknown>)(c, options);
      if (command instanceof UpdateCommand || command instanceof DeleteCommand) {
        if (isOrderKey(command.input.Key ?? {})) {
          throw new Error(
            'LocalChangeFeed: orders are written with PutItem only (no stream record otherwise)',
          );
        }
        return call(command);
      }
      if (!(command instanceof PutCommand) || !isOrderKey(command.input.Item ?? {})) return call(command);
      const item = command.input.Item as Item;
      const pk = String(item[TABLE_KEYS.partitionKey]);
      return this.#oneAtATime(pk, async () => {
        const output = (await call(new PutCommand({ ...command.input, ReturnValues: 'ALL_OLD' }))) as {
          Attributes?: Item;
        };
        try {
          this.#append(pk, item, output.Attributes);
        } catch (error) {
          // The write is done: failing it now would tell the caller it did not happen.
          this.#o.log.error('order write made no change record', { error });
        }
        return command.input.ReturnValues === 'ALL_OLD' ? output : { ...output, Attributes: undefined };
      });
    };
    return new Proxy(client, {
      get: (target, property, receiver) =>
        property === 'send' ? send : Reflect.get(target, property, receiver),
    });
  }

  /** Resolves once every record so far has been handled or given up. */
  async idle(): Promise<void> {
    await this.#tasks.idle();
  }

  /** Cancels the retries waiting (their records are dropped, and logged) and waits for batches running. */
  async close(): Promise<void> {
    await this.#tasks.close();
  }

  async #oneAtATime<T>(pk: string, write: () => Promise<T>): Promise<T> {
    const before = this.#writes.get(pk) ?? Promise.resolve();
    const mine = before.then(write, write);
    const settled = mine.catch(() => undefined);
    this.#writes.set(pk, settled);
    void settled.then(() => {
      if (this.#writes.get(pk) === settled) this.#writes.delete(pk);
    });
    return mine;
  }

  #append(pk: string, item: Item, old: Item | undefined): void {
    const sequence = String(++this.#sequence).padStart(21, '0');
    const keys = marshalled(keysOf(item));
    const newImage = marshalled(item);
    const oldImage = old && marshalled(old);
    const record: DynamoDBRecord = {
      eventID: randomBytes(16).toString('hex'),
      eventName: old ? 'MODIFY' : 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'local',
      eventSourceARN: `arn:aws:dynamodb:local:000000000000:table/${this.#o.tableName}/stream/local`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
        NewImage: newImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
        ...(oldImage && { OldImage: oldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'] }),
        SequenceNumber: sequence,
        SizeBytes: JSON.stringify([keys, newImage, oldImage]).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    const shard = this.#shards.get(pk);
    if (shard) {
      shard.push(record);
      return;
    }
    this.#shards.set(pk, [record]);
    this.#tasks.track(this.#drain(pk));
  }

  /** Hands one shard's records to the handler until none is left. */
  async #drain(pk: string): Promise<void> {
    const shard = this.#shards.get(pk);
    let failures = 0;
    while (shard && shard.length > 0) {
      const batch = shard.slice(0, this.#o.batchSize);
      const done = await this.#invoke(batch);
      shard.splice(0, done);
      if (done === batch.length) {
        failures = 0;
        continue;
      }
      failures++;
      const given = failures > this.#o.retryAttempts;
      const waited =
        !given &&
        (await this.#tasks.sleep(Math.min(this.#o.retryDelayMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS)));
      if (!waited) {
        const dropped = shard.splice(0, batch.length - done);
        this.#o.log.error(
          'order events given up after retries, as the on-failure destination would keep them',
          {
            records: dropped.map((r) => r.dynamodb?.SequenceNumber),
            retries: failures - 1,
          },
        );
        failures = 0;
      }
    }
    this.#shards.delete(pk);
  }

  /** How many records of `batch`, from the first, were handled. */
  async #invoke(batch: DynamoDBRecord[]): Promise<number> {
    try {
      const response = await this.#o.handler({ Records: batch });
      const failed = new Set(response?.batchItemFailures.map((f) => f.itemIdentifier) ?? []);
      const first = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      return first === -1 ? batch.length : first;
    } catch (error) {
      this.#o.log.warn('order events batch failed', { error });
      return 0;
    }
  }
}
