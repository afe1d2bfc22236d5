import type { LocalDynamo } from '../../../local/dynamo';
import { DynamoOrderStore, dueShardOf } from '../../../shared/adapters/dynamodb/order-store';
import { DUE_SHARDS } from '../../../shared/adapters/dynamodb/schema';
import type { Order } from '../../../shared/core/orders/model';
import { useLocalDynamo } from '../../support/dynamo';
import { uniqueOrder } from '../../support/orders';

const storeOf = (dynamo: LocalDynamo, pageSize?: number) =>
  new DynamoOrderStore({ client: dynamo.client, tableName: dynamo.tableName, pageSize });

/** The first page's checks. */
const dueChecks = async (store: DynamoOrderStore, now: string, limit: number) =>
  (await store.listDueChecks(now, limit)).checks;

describe('listDueChecks on one order', () => {
  const dynamo = useLocalDynamo();

  it('lists an unsettled order once its check is due, not before, and drops it once settled', async () => {
    const store = storeOf(dynamo());
    const order = uniqueOrder({ nextCheck: { attempt: 3, at: '2025-06-01T03:20:00.000Z' } });
    await store.create(order);
    const due = { appTransId: order.appTransId, attempt: 3, at: '2025-06-01T03:20:00.000Z' };

    expect(await dueChecks(store, '2025-06-01T03:19:59.999Z', 10)).toEqual([]);
    expect(await dueChecks(store, '2025-06-01T03:20:00.000Z', 10)).toEqual([due]);
    expect(await dueChecks(store, '2025-06-02T00:00:00.000Z', 10)).toEqual([due]);

    const { nextCheck: _none, ...settled } = order;
    await store.replace({ ...settled, status: 'EXPIRED', version: 2 }, order);

    expect(await dueChecks(store, '2025-06-02T00:00:00.000Z', 10)).toEqual([]);
  });

  it('follows a rescheduled check to its new time', async () => {
    const store = storeOf(dynamo());
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: '2025-07-01T00:00:00.000Z' } });
    await store.create(order);

    await store.replace(
      { ...order, version: 2, nextCheck: { attempt: 2, at: '2025-07-01T00:01:00.000Z' } },
      order,
    );

    expect(await dueChecks(store, '2025-07-01T00:00:30.000Z', 10)).toEqual([]);
    expect(await dueChecks(store, '2025-07-01T00:01:00.000Z', 10)).toEqual([
      { appTransId: order.appTransId, attempt: 2, at: '2025-07-01T00:01:00.000Z' },
    ]);
    await store.replace(
      { ...order, version: 3, nextCheck: undefined, status: 'PAID' },
      { ...order, version: 2 },
    );
  });

  it('returns nothing for a limit below one', async () => {
    expect(await dueChecks(storeOf(dynamo()), '2030-01-01T00:00:00.000Z', 0)).toEqual([]);
  });
});

describe('listDueChecks across shards', () => {
  const dynamo = useLocalDynamo();
  const perShard = 3;
  let orders: Order[];

  beforeAll(async () => {
    const idsByShard = new Map(Array.from({ length: DUE_SHARDS }, (_, n) => [`DUE#${n}`, [] as string[]]));
    while ([...idsByShard.values()].some((ids) => ids.length < perShard)) {
      const { appTransId } = uniqueOrder();
      const ids = idsByShard.get(dueShardOf(appTransId));
      if (ids && ids.length < perShard) ids.push(appTransId);
    }
    // Due one minute apart, cycling through the shards, so any prefix of the answer needs several.
    orders = [...idsByShard.values()].flatMap((ids, shard) =>
      ids.map((appTransId, round) =>
        uniqueOrder({
          appTransId,
          nextCheck: {
            attempt: 1,
            at: new Date(Date.UTC(2025, 0, 1, 0, round * DUE_SHARDS + shard)).toISOString(),
          },
        }),
      ),
    );
    await Promise.all(orders.map((order) => storeOf(dynamo()).create(order)));
  });

  const oldestFirst = () =>
    [...orders].sort((a, b) => (a.nextCheck?.at ?? '').localeCompare(b.nextCheck?.at ?? ''));
  const asDue = (order: Order) => ({ appTransId: order.appTransId, attempt: 1, at: order.nextCheck?.at });

  it('spreads the orders over every shard', () => {
    expect(new Set(orders.map((o) => dueShardOf(o.appTransId))).size).toBe(DUE_SHARDS);
  });

  it('merges all shards oldest first', async () => {
    expect(await dueChecks(storeOf(dynamo()), '2025-02-01T00:00:00.000Z', 100)).toEqual(
      oldestFirst().map(asDue),
    );
  });

  it.each([1, 2, 5])('returns the globally oldest %i, even one Query item per page', async (limit) => {
    const expected = oldestFirst().slice(0, limit).map(asDue);

    expect(await dueChecks(storeOf(dynamo()), '2025-02-01T00:00:00.000Z', limit)).toEqual(expected);
    expect(await dueChecks(storeOf(dynamo(), 1), '2025-02-01T00:00:00.000Z', limit)).toEqual(expected);
  });

  it('stops at `now` in every shard', async () => {
    const cutoff = oldestFirst()[6]?.nextCheck?.at ?? '';

    expect(await dueChecks(storeOf(dynamo(), 2), cutoff, 100)).toEqual(oldestFirst().slice(0, 7).map(asDue));
  });
});
