import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, GetItemCommand, PutItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { sweepOptions } from '../../../functions/sweeper';
import { repairDueChecks } from '../../../local/due-checks-repair';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamo';
import { DynamoOrderStore, dueShardOf, orderPk } from '../../../shared/adapters/dynamodb/order-store';
import { RecordingScheduler } from '../../../shared/adapters/memory/scheduler';
import { ScriptedZaloPay } from '../../../shared/adapters/memory/zalopay';
import { noMetrics, silentLog } from '../../../shared/core/observability';
import { DEFAULT_CHECK_POLICY } from '../../../shared/core/orders/checks';
import type { Order } from '../../../shared/core/orders/model';
import { sweepOverdueChecks } from '../../../shared/core/orders/status-check';
import type { DueCheck } from '../../../shared/core/ports/store';
import { type InterruptedAt, interruptPut } from '../../support/dynalite-crash';
import { queryAnswer } from '../../support/memory';
import { at, uniqueOrder } from '../../support/orders';

type RawItem = Record<string, AttributeValue>;

/**
 * The local runtime's start-up repair (local/due-checks-repair.ts) on states a killed process
 * leaves in a DATA_DIR: dynalite's own index steps of a write are applied to its LevelDB store
 * without the item (test/support/dynalite-crash.ts), then dynalite starts again on it.
 */
let dataDir: string;
let dynamo: LocalDynamo;
let store: DynamoOrderStore;

const start = async () => {
  dynamo = await startLocalDynamo({ dataDir });
  store = new DynamoOrderStore(dynamo);
};
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'due-checks-repair-'));
  await start();
});
afterEach(async () => {
  await dynamo.close();
  await rm(dataDir, { recursive: true, force: true });
});

const NOW = at(86_400).toISOString();

/** The order's item exactly as dynalite stores it. */
const raw = async (appTransId: string): Promise<RawItem> => {
  const { Item } = await dynamo.baseClient.send(
    new GetItemCommand({
      TableName: dynamo.tableName,
      Key: { pk: { S: orderPk(appTransId) }, sk: { S: 'ORDER' } },
    }),
  );
  if (!Item) throw new Error(`no item for ${appTransId}`);
  return Item;
};

/** The item a write rescheduling the order's check to `at` (attempt 2) would store. */
const rescheduled = (item: RawItem, when: string): RawItem => ({
  ...item,
  version: { N: String(Number(item.version!.N) + 1) },
  nextCheck: { M: { attempt: { N: '2' }, at: { S: when } } },
  dueAt: { S: when },
});

/** The item a write settling the order would store: no check, so no index keys. */
const settledItem = (item: RawItem): RawItem => {
  const { nextCheck: _n, dueAt: _d, dueShard: _s, ...rest } = item;
  return { ...rest, status: { S: 'PAID' }, version: { N: String(Number(item.version!.N) + 1) } };
};

/** dynalite killed during `previous` → `next`, at `point`, then started again. */
const killDuring = async (previous: RawItem | undefined, next: RawItem | undefined, point: InterruptedAt) => {
  await dynamo.close();
  await interruptPut(dataDir, dynamo.tableName, previous, next, point);
  await start();
};

/** Every due check, through every page. */
const everyDueCheck = async (): Promise<DueCheck[]> => {
  const checks: DueCheck[] = [];
  let after: string | undefined;
  do {
    const page = await store.listDueChecks(NOW, 2, after);
    checks.push(...page.checks);
    after = page.next;
  } while (after !== undefined);
  return checks;
};
const dueOf = (order: Order): DueCheck => ({
  appTransId: order.appTransId,
  attempt: order.nextCheck!.attempt,
  at: order.nextCheck!.at,
});

/** Every item of the table, by partition key. */
const itemCount = async () => {
  let count = 0;
  for await (const page of paginateScan({ client: dynamo.baseClient }, { TableName: dynamo.tableName }))
    count += page.Items?.length ?? 0;
  return count;
};

describe('a killed write, as dynalite leaves it', () => {
  it('a rescheduling cut short after the old entry went leaves an unsettled order no sweep can find', async () => {
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    await store.create(order);
    const item = await raw(order.appTransId);

    await killDuring(item, rescheduled(item, at(1260).toISOString()), 'after-index-deletes');

    expect(await store.get(order.appTransId)).toEqual(order);
    expect(await everyDueCheck()).toEqual([]);
  });
});

describe('repairDueChecks', () => {
  it('writes back the entry of an unsettled order that lost it, leaving the order as it was', async () => {
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    const intact = uniqueOrder({ nextCheck: { attempt: 3, at: at(1500).toISOString() } });
    await store.create(order);
    await store.create(intact);
    const item = await raw(order.appTransId);
    await killDuring(item, rescheduled(item, at(1260).toISOString()), 'after-index-deletes');

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    expect(report).toMatchObject({ restored: 1, removed: 0, failed: 0 });
    expect(report.checks).toEqual(
      expect.arrayContaining([
        { appTransId: order.appTransId, attempt: 1, at: at(1200) },
        { appTransId: intact.appTransId, attempt: 3, at: at(1500) },
      ]),
    );
    expect(report.checks).toHaveLength(2);
    expect(await everyDueCheck()).toEqual([dueOf(order), dueOf(intact)]);
    expect(await store.get(order.appTransId)).toEqual(order);
    expect(await raw(order.appTransId)).toEqual(item);
  });

  it('moves an entry put ahead of its item back to the time the order holds', async () => {
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    await store.create(order);
    const item = await raw(order.appTransId);
    await killDuring(item, rescheduled(item, at(1260).toISOString()), 'after-index-puts');
    expect(await everyDueCheck()).toEqual([{ ...dueOf(order), attempt: 2, at: at(1260).toISOString() }]);

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    expect(report).toMatchObject({ restored: 1, removed: 1, failed: 0 });
    expect(await everyDueCheck()).toEqual([dueOf(order)]);
    expect(await store.get(order.appTransId)).toEqual(order);
  });

  it('removes the entry of an order settled since, and of an order whose create never stored it', async () => {
    const settled = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    await store.create(settled);
    const item = await raw(settled.appTransId);
    await killDuring(item, rescheduled(item, at(1260).toISOString()), 'after-index-puts');
    // Settled later by a write that completed: its item has no index keys, the stray entry stays.
    const { nextCheck: _none, ...rest } = settled;
    const paid: Order = { ...rest, status: 'PAID', version: settled.version + 1 };
    expect(await store.replace(paid, settled)).toBe(true);
    const neverStored = uniqueOrder({ nextCheck: { attempt: 1, at: at(1100).toISOString() } });
    const neverStoredItem: RawItem = {
      ...item,
      pk: { S: orderPk(neverStored.appTransId) },
      appTransId: { S: neverStored.appTransId },
      dueShard: { S: dueShardOf(neverStored.appTransId) },
      dueAt: { S: at(1100).toISOString() },
      nextCheck: { M: { attempt: { N: '1' }, at: { S: at(1100).toISOString() } } },
    };
    await killDuring(undefined, neverStoredItem, 'after-index-puts');
    expect(await everyDueCheck()).toHaveLength(2);
    const items = await itemCount();

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    // The two stray due entries, and the orders-by-day entry the never-stored create also left.
    expect(report).toEqual({ checks: [], restored: 0, removed: 3, failed: 0 });
    expect(await everyDueCheck()).toEqual([]);
    expect(await store.get(settled.appTransId)).toEqual(paid);
    expect(await store.get(neverStored.appTransId)).toBeUndefined();
    expect(await itemCount()).toBe(items);
  });

  it('takes out a stand-in left by a repair that was itself killed', async () => {
    const gone = uniqueOrder();
    await dynamo.baseClient.send(
      new PutItemCommand({
        TableName: dynamo.tableName,
        Item: {
          pk: { S: orderPk(gone.appTransId) },
          sk: { S: 'ORDER' },
          dueShard: { S: dueShardOf(gone.appTransId) },
          dueAt: { S: at(1000).toISOString() },
          dueChecksRepair: { BOOL: true },
        },
      }),
    );
    const items = await itemCount();

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    expect(report).toMatchObject({ checks: [], restored: 0, failed: 0 });
    expect(await everyDueCheck()).toEqual([]);
    expect(await itemCount()).toBe(items - 1);
  });

  it('repairs the reviews index the same way: a lost review entry back, a stray one out', async () => {
    const { nextCheck: _settled, ...unscheduled } = uniqueOrder();
    const flagged: Order = { ...unscheduled, status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' } };
    await store.create(flagged);
    const item = await raw(flagged.appTransId);
    expect(item.reviewAt).toBeDefined();
    // A DeleteItem killed after its index deletes: the order stays, its review entry is gone.
    await killDuring(item, undefined, 'after-index-deletes');
    // A create killed after its index puts: a review entry whose order was never stored.
    const neverStored = uniqueOrder();
    await killDuring(
      undefined,
      { ...item, pk: { S: orderPk(neverStored.appTransId) }, appTransId: { S: neverStored.appTransId } },
      'after-index-puts',
    );
    const listed = async () => (await store.listReviews({ limit: 10 })).reviews.map((r) => r.appTransId);
    expect(await listed()).toEqual([neverStored.appTransId]);

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    // The review entry and the orders-by-day entry the killed delete took, and the stray create's two.
    expect(report).toEqual({ checks: [], restored: 2, removed: 2, failed: 0 });
    expect(await listed()).toEqual([flagged.appTransId]);
    const day = flagged.appTransId.slice(0, 6);
    expect((await store.listOrdersOfDay(day, 10)).appTransIds).toEqual([flagged.appTransId]);
    expect(await store.get(flagged.appTransId)).toEqual(flagged);
    expect(await store.get(neverStored.appTransId)).toBeUndefined();
  });

  it('gives an order written before the orders-by-day index its day keys (the backfill)', async () => {
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    await store.create(order);
    const { dayShard: _shard, dayOrder: _id, ...older } = await raw(order.appTransId);
    await dynamo.baseClient.send(new PutItemCommand({ TableName: dynamo.tableName, Item: older }));
    const day = order.appTransId.slice(0, 6);
    expect((await store.listOrdersOfDay(day, 10)).appTransIds).toEqual([]);

    const report = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    expect(report).toMatchObject({ restored: 1, removed: 0, failed: 0 });
    expect((await store.listOrdersOfDay(day, 10)).appTransIds).toEqual([order.appTransId]);
    expect(await store.get(order.appTransId)).toEqual(order);
  });

  it('finds nothing to do on a consistent table, and nothing the second time', async () => {
    const orders = [1200, 1300, 1400].map((s) =>
      uniqueOrder({ nextCheck: { attempt: 1, at: at(s).toISOString() } }),
    );
    for (const order of orders) await store.create(order);
    const item = await raw(orders[0]!.appTransId);
    await killDuring(item, settledItem(item), 'after-index-deletes');

    const first = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);
    const second = await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, silentLog);

    expect(first).toMatchObject({ restored: 1, removed: 0, failed: 0 });
    expect(second).toMatchObject({ restored: 0, removed: 0, failed: 0 });
    expect(second.checks).toHaveLength(3);
    expect(await everyDueCheck()).toEqual(orders.map(dueOf));
  });
});

describe('the sweeper over stale entries (before any repair)', () => {
  it('pages past them: each is met once, a real overdue check behind them runs, and the sweep ends', async () => {
    const stale: Order[] = [];
    for (let n = 0; n < 5; n++) {
      const order = uniqueOrder({ nextCheck: { attempt: 1, at: at(1000 + n).toISOString() } });
      await store.create(order);
      const item = await raw(order.appTransId);
      await killDuring(item, rescheduled(item, at(1100 + n).toISOString()), 'after-index-puts');
      const { nextCheck: _none, ...rest } = order;
      await store.replace({ ...rest, status: 'EXPIRED', version: order.version + 1 }, order);
      stale.push(order);
    }
    const real = uniqueOrder({ nextCheck: { attempt: 1, at: at(1200).toISOString() } });
    await store.create(real);
    const zalopay = new ScriptedZaloPay();
    zalopay.always('queryOrder', queryAnswer({ returnCode: 1, amount: 50_000 }));
    const deps = {
      store,
      zalopay,
      scheduler: new RecordingScheduler(),
      clock: () => new Date(NOW),
      policy: DEFAULT_CHECK_POLICY,
      log: silentLog,
      metrics: noMetrics,
    };

    const result = await sweepOverdueChecks(deps, { ...sweepOptions(10_000), pageSize: 2, concurrency: 1 });

    expect(result).toEqual({ checked: 6, failed: 0, stoppedForTime: false });
    expect(zalopay.requestsOf('queryOrder')).toEqual([real.appTransId]);
    expect((await store.get(real.appTransId))?.status).toBe('PAID');
    for (const order of stale) expect((await store.get(order.appTransId))?.status).toBe('EXPIRED');
  });
});
