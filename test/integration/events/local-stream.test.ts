import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LocalChangeFeed } from '../../../local/events/stream';
import { DynamoIdempotencyStore } from '../../../shared/adapters/dynamodb/idempotency-store';
import { DynamoOrderStore, orderPk } from '../../../shared/adapters/dynamodb/order-store';
import { orderChangeOf } from '../../../shared/adapters/dynamodb/stream';
import type { Log } from '../../../shared/core/observability';
import { silentLog } from '../../../shared/core/observability';
import { useLocalDynamo } from '../../support/dynamo';
import { at, uniqueOrder } from '../../support/orders';
import { waitFor } from '../../support/wait';

/**
 * The local stand-in of DynamoDB Streams (docs/events.md §1): the stores on dynalite, through the
 * wrapped client, and a handler that sees what Lambda's event source mapping would hand it.
 */
const dynamo = useLocalDynamo();

type Answer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

const setUp = (answer: Answer = async () => ({ batchItemFailures: [] }), log: Log = silentLog) => {
  const batches: DynamoDBRecord[][] = [];
  const feed = new LocalChangeFeed({
    handler: async (event) => {
      batches.push(event.Records);
      return answer(event);
    },
    tableName: dynamo().tableName,
    log,
    retryDelayMs: 1,
    retryAttempts: 3,
  });
  const client = feed.wrap(dynamo().client);
  const store = new DynamoOrderStore({ client, tableName: dynamo().tableName });
  const records = () => batches.flat();
  return { feed, client, store, batches, records };
};

describe('the local change feed', () => {
  it('gives each order write the record DynamoDB Streams would: INSERT, then MODIFY with both images', async () => {
    const { feed, store, records } = setUp();
    const order = uniqueOrder({ status: 'CREATING', version: 1 });
    const pending = { ...order, status: 'PENDING' as const, version: 2, orderUrl: 'https://x/pay' };

    expect(await store.create(order)).toBe(true);
    expect(await store.replace(pending, { status: 'CREATING', version: 1 })).toBe(true);
    await feed.idle();

    const [insert, modify] = records();
    expect(insert).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: { S: orderPk(order.appTransId) }, sk: { S: 'ORDER' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(insert?.dynamodb?.NewImage?.status).toEqual({ S: 'CREATING' });
    expect(modify).toMatchObject({ eventName: 'MODIFY' });
    expect(orderChangeOf(modify!)).toEqual({
      before: JSON.parse(JSON.stringify(order)),
      after: JSON.parse(JSON.stringify(pending)),
    });
    expect(Number(modify?.dynamodb?.SequenceNumber)).toBeGreaterThan(
      Number(insert?.dynamodb?.SequenceNumber),
    );
  });

  it('records orders whatever their metadata keys, `constructor` included', async () => {
    const { feed, store, records } = setUp();
    const order = uniqueOrder({
      status: 'CREATING',
      version: 1,
      metadata: { constructor: '1', toString: 'x' },
    });
    const pending = { ...order, status: 'PENDING' as const, version: 2 };
    await store.create(order);
    expect(await store.replace(pending, { status: 'CREATING', version: 1 })).toBe(true);
    await feed.idle();
    expect(records().map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(orderChangeOf(records()[1]!)?.before?.metadata).toEqual({ constructor: '1', toString: 'x' });
  });

  it('makes no record for a write that did not happen, nor for history and idempotency items', async () => {
    const { feed, store, records } = setUp();
    const order = uniqueOrder();
    await store.create(order);
    expect(await store.create(order)).toBe(false);
    expect(await store.replace({ ...order, version: 9 }, { status: 'PAID', version: 1 })).toBe(false);
    await store.appendHistory(order.appTransId, {
      at: at(1).toISOString(),
      kind: 'QUERY',
      detail: {},
      outcome: 'NO_CHANGE',
    });
    const idempotency = new DynamoIdempotencyStore({ client: setUp().client, tableName: dynamo().tableName });
    await idempotency.claim(`k-${order.appTransId}`, 'h', at(0).toISOString(), at(60).toISOString());
    await feed.idle();
    expect(records().map((r) => r.eventName)).toEqual(['INSERT']);
  });

  it('of ten writers racing on one order, the winners’ records come in version order', async () => {
    const { feed, store, records } = setUp();
    const order = uniqueOrder({ version: 1 });
    await store.create(order);
    // Each round, ten writers try to move the order one version on; one wins per round.
    for (let round = 1; round <= 3; round++) {
      const current = (await store.get(order.appTransId))!;
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.replace({ ...current, version: current.version + 1, description: `writer ${i}` }, current),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
    await feed.idle();
    expect(records().map((r) => orderChangeOf(r)?.after.version)).toEqual([1, 2, 3, 4]);
    expect(
      records()
        .slice(1)
        .map((r) => orderChangeOf(r)?.before?.version),
    ).toEqual([1, 2, 3]);
  }, 30_000);

  it('resumes from the first failed record of a partial batch response, in order', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let failed = false;
    const { feed, store, batches } = setUp(async (event) => {
      // The first batch waits, so the next writes gather into one batch behind it.
      await gate;
      if (failed || event.Records.length !== 2) return { batchItemFailures: [] };
      failed = true;
      return { batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber! }] };
    });
    const order = uniqueOrder({ version: 1 });
    await store.create(order);
    await store.replace({ ...order, version: 2 }, order);
    await store.replace({ ...order, version: 3 }, { ...order, version: 2 });
    release();
    await feed.idle();
    const versions = batches.map((batch) => batch.map((r) => orderChangeOf(r)?.after.version));
    expect(versions).toEqual([[1], [2, 3], [3]]);
  });

  it('retries a batch that throws, then gives it up after its retries and says so', async () => {
    const errors: string[] = [];
    const log = { ...silentLog, error: (message: string) => void errors.push(message) };
    let calls = 0;
    const { feed, store } = setUp(async () => {
      calls++;
      throw new Error('handler down');
    }, log);
    await store.create(uniqueOrder());
    await waitFor(() => errors.length > 0, { what: 'the batch given up' });
    await feed.idle();
    expect(calls).toBe(4);
    expect(errors).toEqual([
      'order events given up after retries, as the on-failure destination would keep them',
    ]);
  });

  it('refuses to change an order item otherwise than with PutItem (it would make no record)', async () => {
    const { client } = setUp();
    const Key = { pk: orderPk('261128_x'), sk: 'ORDER' };
    await expect(client.send(new DeleteCommand({ TableName: dynamo().tableName, Key }))).rejects.toThrow(
      /PutItem only/,
    );
    await expect(
      client.send(
        new UpdateCommand({
          TableName: dynamo().tableName,
          Key,
          UpdateExpression: 'SET a = :a',
          ExpressionAttributeValues: { ':a': 1 },
        }),
      ),
    ).rejects.toThrow(/PutItem only/);
  });
});
