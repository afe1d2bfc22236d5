import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOrderStore, orderPk } from '../../../shared/adapters/dynamodb/order-store';
import type { HistoryEntry, Order } from '../../../shared/core/orders/model';
import { useLocalDynamo } from '../../support/dynamo';
import { uniqueOrder } from '../../support/orders';

const dynamo = useLocalDynamo();
const store = () => new DynamoOrderStore(dynamo());

const rawItem = async (appTransId: string) => {
  const { Item } = await dynamo().client.send(
    new GetCommand({ TableName: dynamo().tableName, Key: { pk: orderPk(appTransId), sk: 'ORDER' } }),
  );
  return Item;
};

const paid = (order: Order, by: string): Order => {
  const { nextCheck: _settled, ...rest } = order;
  return {
    ...rest,
    status: 'PAID',
    version: order.version + 1,
    zpTransId: by,
    updatedAt: '2025-06-01T03:05:00.000Z',
  };
};

describe('DynamoOrderStore orders', () => {
  it('stores a new order and reads back exactly the Order, without key attributes', async () => {
    const order = uniqueOrder({
      metadata: { cart: 'c-1', gift: true, note: null },
      returnUrl: 'https://shop.example/done',
    });

    expect(await store().create(order)).toBe(true);

    expect(await store().get(order.appTransId)).toEqual(order);
    expect(await rawItem(order.appTransId)).toMatchObject({ pk: `ORDER#${order.appTransId}`, sk: 'ORDER' });
  });

  it('drops optional fields that are undefined instead of failing to marshal them', async () => {
    const order = uniqueOrder({ returnUrl: undefined, zpTransId: undefined });

    expect(await store().create(order)).toBe(true);

    const stored = await store().get(order.appTransId);
    expect(stored).toEqual(order);
    expect(stored && 'returnUrl' in stored).toBe(false);
  });

  it('refuses a second create with the same id and keeps the first order', async () => {
    const first = uniqueOrder();
    await store().create(first);

    expect(await store().create({ ...first, amount: 99_000 })).toBe(false);

    expect(await store().get(first.appTransId)).toEqual(first);
  });

  it('answers undefined for an id that was never stored', async () => {
    expect(await store().get('250601_doesNotExist')).toBeUndefined();
  });

  it('replaces only when both the expected status and version match', async () => {
    const order = uniqueOrder({ status: 'CREATING', version: 1 });
    await store().create(order);
    const next = {
      ...order,
      status: 'PENDING' as const,
      version: 2,
      orderUrl: 'https://qcgateway.zalopay.vn/x',
    };

    expect(await store().replace(next, { status: 'PENDING', version: 1 })).toBe(false);
    expect(await store().replace(next, { status: 'CREATING', version: 2 })).toBe(false);
    expect(await store().get(order.appTransId)).toEqual(order);

    expect(await store().replace(next, { status: 'CREATING', version: 1 })).toBe(true);
    expect(await store().get(order.appTransId)).toEqual(next);
    expect(await store().replace(next, { status: 'CREATING', version: 1 })).toBe(false);
  });

  it('does not create an order through replace', async () => {
    const ghost = uniqueOrder();

    expect(await store().replace(ghost, { status: 'PENDING', version: 1 })).toBe(false);

    expect(await store().get(ghost.appTransId)).toBeUndefined();
  });

  it('lets exactly one of 20 writers racing from the same read win', async () => {
    const order = uniqueOrder();
    await store().create(order);
    const read = await store().get(order.appTransId);
    if (!read) throw new Error('order not stored');
    const contenders = Array.from({ length: 20 }, (_, i) => paid(read, `zp-${i}`));

    const results = await Promise.all(
      contenders.map((next) => store().replace(next, { status: read.status, version: read.version })),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = contenders[results.indexOf(true)];
    expect(await store().get(order.appTransId)).toEqual(winner);
  });

  it('keeps the overdue-check index keys only while nextCheck is set', async () => {
    const order = uniqueOrder({ nextCheck: { attempt: 1, at: '2025-06-01T03:20:00Z' } });
    await store().create(order);

    expect(await rawItem(order.appTransId)).toMatchObject({
      dueShard: expect.stringMatching(/^DUE#[0-3]$/),
      dueAt: '2025-06-01T03:20:00.000Z',
    });

    await store().replace(paid(order, 'zp'), order);

    const settled = await rawItem(order.appTransId);
    expect(settled).not.toHaveProperty('dueShard');
    expect(settled).not.toHaveProperty('dueAt');
  });
});

describe('DynamoOrderStore history', () => {
  const entry = (at: string, kind: HistoryEntry['kind'], n: number): HistoryEntry => ({
    at,
    kind,
    trigger: 'test',
    detail: { n, returnCode: 1, nested: { list: [1, 'two'] } },
    outcome: 'NO_CHANGE',
  });

  it('returns entries oldest first, in append order within one timestamp, and only this order’s', async () => {
    const order = uniqueOrder();
    const other = uniqueOrder();
    await store().create(order);
    const entries = [
      entry('2025-06-01T03:00:00.000Z', 'CREATE', 0),
      entry('2025-06-01T03:01:00.000Z', 'CALLBACK', 1),
      entry('2025-06-01T03:01:00.000Z', 'QUERY', 2),
      entry('2025-06-01T03:01:00.000Z', 'REDIRECT', 3),
      entry('2025-06-01T03:02:00.000Z', 'QUERY', 4),
    ];
    for (const e of entries) await store().appendHistory(order.appTransId, e);
    await store().appendHistory(other.appTransId, entry('2025-06-01T02:00:00.000Z', 'CALLBACK', 9));

    expect(await store().history(order.appTransId)).toEqual(entries);
  });

  it('orders by time, not by append order', async () => {
    const order = uniqueOrder();
    const late = entry('2025-06-01T04:00:00.000Z', 'QUERY', 1);
    const early = entry('2025-06-01T03:00:00.000Z', 'CALLBACK', 2);

    await store().appendHistory(order.appTransId, late);
    await store().appendHistory(order.appTransId, early);

    expect(await store().history(order.appTransId)).toEqual([early, late]);
  });

  it('follows pagination across several Query pages', async () => {
    const paged = new DynamoOrderStore({
      client: dynamo().client,
      tableName: dynamo().tableName,
      pageSize: 2,
    });
    const order = uniqueOrder();
    await paged.create(order);
    const entries = Array.from({ length: 7 }, (_, n) => entry(`2025-06-01T03:0${n}:00.000Z`, 'QUERY', n));
    for (const e of entries) await paged.appendHistory(order.appTransId, e);

    expect(await paged.history(order.appTransId)).toEqual(entries);
  });

  it('answers an empty history for an order without entries', async () => {
    expect(await store().history(uniqueOrder().appTransId)).toEqual([]);
  });
});
