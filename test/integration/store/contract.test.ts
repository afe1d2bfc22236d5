import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoIdempotencyStore } from '../../../shared/adapters/dynamodb/idempotency-store';
import { DynamoOrderStore } from '../../../shared/adapters/dynamodb/order-store';
import { tableDefinition } from '../../../shared/adapters/dynamodb/table';
import { InMemoryIdempotencyStore } from '../../../shared/adapters/memory/idempotency-store';
import { InMemoryOrderStore } from '../../../shared/adapters/memory/order-store';
import type { HistoryEntry, Order, OrderItem, Refund } from '../../../shared/core/orders/model';
import type { DueCheck, IdempotencyStore, OrderStore } from '../../../shared/core/ports/store';
import { useLocalDynamo } from '../../support/dynamo';
import { uniqueOrder } from '../../support/orders';

/**
 * One specification of each store port, run against the DynamoDB adapter on dynalite and the
 * in-memory adapter the use-case tests run on, so that the two cannot drift apart.
 */

/** Order stores of one implementation: `shared` may hold other tests' orders, `alone` only the test's own. */
interface OrderStores {
  shared: () => Promise<OrderStore>;
  alone: () => Promise<OrderStore>;
}

/** Tests of due checks get a table each, so that one test's due orders never show in another. */
const dynamoOrderStores = (): OrderStores => {
  const dynamo = useLocalDynamo();
  let tables = 0;
  return {
    shared: async () => new DynamoOrderStore(dynamo()),
    alone: async () => {
      const { client } = dynamo();
      const tableName = `contract-${++tables}`;
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      await waitUntilTableExists(
        { client: client as unknown as DynamoDBClient, minDelay: 1, maxDelay: 1, maxWaitTime: 10 },
        { TableName: tableName },
      );
      return new DynamoOrderStore({ client, tableName });
    },
  };
};

const inMemoryOrderStores = (): OrderStores => ({
  shared: async () => new InMemoryOrderStore(),
  alone: async () => new InMemoryOrderStore(),
});

/** Each implementation: `use` runs at describe time (its hooks go there) and gives the stores. */
const ORDER_STORES: { name: string; use: () => OrderStores }[] = [
  { name: 'DynamoOrderStore on dynalite', use: dynamoOrderStores },
  { name: 'InMemoryOrderStore', use: inMemoryOrderStores },
];

const IDEMPOTENCY_STORES: { name: string; use: () => () => Promise<IdempotencyStore> }[] = [
  {
    name: 'DynamoIdempotencyStore on dynalite',
    use: () => {
      const dynamo = useLocalDynamo();
      return async () => new DynamoIdempotencyStore(dynamo());
    },
  },
  { name: 'InMemoryIdempotencyStore', use: () => async () => new InMemoryIdempotencyStore() },
];

const paid = (order: Order, zpTransId: string): Order => {
  const { nextCheck: _settled, ...rest } = order;
  return {
    ...rest,
    status: 'PAID',
    version: order.version + 1,
    zpTransId,
    updatedAt: '2025-06-01T03:05:00.000Z',
  };
};

const entry = (at: string, n: number, detail: Record<string, unknown> = {}): HistoryEntry => ({
  at,
  kind: 'QUERY',
  trigger: 'schedule',
  detail: { n, returnCode: 3, nested: { list: [1, 'two'] }, ...detail },
  outcome: 'NO_CHANGE',
  to: 'PENDING',
});

const dueAt = (at: string, overrides: Partial<Order> = {}) =>
  uniqueOrder({ nextCheck: { attempt: 1, at }, ...overrides });
const asDue = (order: Order) => ({
  appTransId: order.appTransId,
  attempt: order.nextCheck?.attempt,
  at: order.nextCheck?.at,
});

describe.each(ORDER_STORES)('OrderStore contract: $name', ({ use }) => {
  const { shared, alone } = use();

  describe('orders', () => {
    it('reads back exactly the order it stored', async () => {
      const store = await shared();
      const order = uniqueOrder({
        items: [{ id: 'cf', name: 'Cà phê sữa đá', price: 25_000, quantity: 2 }],
        metadata: { cart: 'c-1', gift: true, note: null, count: 2 },
        returnUrl: 'https://shop.example/done',
        review: { reason: 'AMOUNT_MISMATCH' },
        failure: { returnCode: 2, subReturnCode: -54, subReturnMessage: 'hết hạn' },
      });

      expect(await store.create(order)).toBe(true);

      expect(await store.get(order.appTransId)).toEqual(order);
    });

    it('drops fields that are undefined, at any depth, instead of storing them', async () => {
      const store = await shared();
      const order = uniqueOrder({
        returnUrl: undefined,
        items: [{ id: undefined, name: 'Bánh', price: 50_000, quantity: 1 }],
      });

      await store.create(order);

      const stored = await store.get(order.appTransId);
      expect(stored).toEqual(order);
      expect(stored && 'returnUrl' in stored).toBe(false);
      expect(stored?.items[0] && 'id' in stored.items[0]).toBe(false);
    });

    it('answers undefined for an id that was never stored', async () => {
      const store = await shared();

      expect(await store.get('250601_neverStored')).toBeUndefined();
    });

    it('refuses a second create with the same id and keeps the first order', async () => {
      const store = await shared();
      const first = uniqueOrder();
      await store.create(first);

      expect(await store.create({ ...first, amount: 99_000 })).toBe(false);

      expect(await store.get(first.appTransId)).toEqual(first);
    });

    it('keeps what it stored, whatever callers later do to the objects they passed or read', async () => {
      const store = await shared();
      const order = uniqueOrder({ items: [{ name: 'Trà', price: 50_000, quantity: 1 }] });
      const original = structuredClone(order);
      await store.create(order);

      (order.items as OrderItem[]).push({ name: 'extra', price: 1, quantity: 1 });
      order.amount = 1;
      const read = (await store.get(order.appTransId)) as Order;
      read.status = 'PAID';
      (read.items as OrderItem[])[0]!.price = 0;

      expect(await store.get(order.appTransId)).toEqual(original);
    });

    it('replaces only when both the expected status and version match', async () => {
      const store = await shared();
      const order = uniqueOrder({ status: 'CREATING', version: 1 });
      await store.create(order);
      const next: Order = {
        ...order,
        status: 'PENDING',
        version: 2,
        orderUrl: 'https://qcgateway.zalopay.vn/x',
      };

      expect(await store.replace(next, { status: 'PENDING', version: 1 })).toBe(false);
      expect(await store.replace(next, { status: 'CREATING', version: 2 })).toBe(false);
      expect(await store.get(order.appTransId)).toEqual(order);

      expect(await store.replace(next, { status: 'CREATING', version: 1 })).toBe(true);
      expect(await store.get(order.appTransId)).toEqual(next);
      expect(await store.replace(next, { status: 'CREATING', version: 1 })).toBe(false);
    });

    it('replaces the whole order: fields the new one lacks are gone', async () => {
      const store = await shared();
      const order = uniqueOrder({ review: { reason: 'UNRESOLVED' }, qrCode: '000201' });
      await store.create(order);
      const { review: _cleared, qrCode: _dropped, ...rest } = paid(order, '261128000000001');

      await store.replace(rest, order);

      const stored = await store.get(order.appTransId);
      expect(stored).toEqual(rest);
      expect(stored && ['review', 'qrCode', 'nextCheck'].filter((field) => field in stored)).toEqual([]);
    });

    it('never creates an order through replace', async () => {
      const store = await shared();
      const ghost = uniqueOrder();

      expect(await store.replace(ghost, { status: ghost.status, version: ghost.version })).toBe(false);

      expect(await store.get(ghost.appTransId)).toBeUndefined();
    });

    it('lets exactly one of 20 writers racing from the same read win', async () => {
      const store = await shared();
      const order = uniqueOrder();
      await store.create(order);
      const contenders = Array.from({ length: 20 }, (_, i) => paid(order, `zp-${i}`));

      const results = await Promise.all(contenders.map((next) => store.replace(next, order)));

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get(order.appTransId)).toEqual(contenders[results.indexOf(true)]);
    });

    it('creates an order whose history already exists (an orphan payment recorded first)', async () => {
      const store = await shared();
      const order = uniqueOrder();
      await store.appendHistory(order.appTransId, entry('2025-06-01T03:00:00.000Z', 1));

      expect(await store.create(order)).toBe(true);

      expect(await store.get(order.appTransId)).toEqual(order);
      expect(await store.history(order.appTransId)).toHaveLength(1);
    });
  });

  describe('history', () => {
    it('returns entries oldest first, in append order within one timestamp, and only this order’s', async () => {
      const store = await shared();
      const [order, other] = [uniqueOrder(), uniqueOrder()];
      const entries = [
        entry('2025-06-01T03:00:00.000Z', 0),
        entry('2025-06-01T03:01:00.000Z', 1),
        entry('2025-06-01T03:01:00.000Z', 2),
        entry('2025-06-01T03:01:00.000Z', 3),
        entry('2025-06-01T03:02:00.000Z', 4),
      ];
      for (const e of entries) await store.appendHistory(order.appTransId, e);
      await store.appendHistory(other.appTransId, entry('2025-06-01T02:00:00.000Z', 9));

      expect(await store.history(order.appTransId)).toEqual(entries);
    });

    it('orders by time, not by append order', async () => {
      const store = await shared();
      const { appTransId } = uniqueOrder();
      const late = entry('2025-06-01T04:00:00.000Z', 1);
      const early = entry('2025-06-01T03:00:00.000Z', 2);

      await store.appendHistory(appTransId, late);
      await store.appendHistory(appTransId, early);

      expect(await store.history(appTransId)).toEqual([early, late]);
    });

    it('orders by the instant whatever its spelling, and reads each time back as it was given', async () => {
      const store = await shared();
      const { appTransId } = uniqueOrder();
      const entries = [
        entry('2025-06-01T03:01:00Z', 0),
        entry('2025-06-01T10:00:30+07:00', 1),
        entry('2025-06-01T03:01:00.000Z', 2),
      ];
      for (const e of entries) await store.appendHistory(appTransId, e);

      expect(await store.history(appTransId)).toEqual([entries[1], entries[0], entries[2]]);
    });

    it('drops undefined values inside an entry', async () => {
      const store = await shared();
      const { appTransId } = uniqueOrder();

      await store.appendHistory(
        appTransId,
        entry('2025-06-01T03:00:00.000Z', 0, { subReturnCode: undefined }),
      );

      const [stored] = await store.history(appTransId);
      expect(stored && 'subReturnCode' in stored.detail).toBe(false);
    });

    it('keeps its entries whatever callers later do to the objects they passed or read', async () => {
      const store = await shared();
      const { appTransId } = uniqueOrder();
      const appended = entry('2025-06-01T03:00:00.000Z', 0);
      await store.appendHistory(appTransId, appended);

      (appended.detail as Record<string, unknown>).n = 99;
      const [read] = await store.history(appTransId);
      (read!.detail as Record<string, unknown>).returnCode = 1;

      expect(await store.history(appTransId)).toEqual([entry('2025-06-01T03:00:00.000Z', 0)]);
    });

    it('refuses an entry whose time is not a time', async () => {
      const store = await shared();
      const { appTransId } = uniqueOrder();

      await expect(store.appendHistory(appTransId, entry('yesterday', 0))).rejects.toThrow(RangeError);

      expect(await store.history(appTransId)).toEqual([]);
    });

    it('answers an empty history for an order without entries', async () => {
      const store = await shared();

      expect(await store.history(uniqueOrder().appTransId)).toEqual([]);
    });
  });

  describe('due checks', () => {
    /** Just the checks of one page. */
    const due = async (store: OrderStore, now: string, limit: number) =>
      (await store.listDueChecks(now, limit)).checks;
    /** Every page from the first, until one comes without `next`. */
    const allPages = async (store: OrderStore, now: string, limit: number) => {
      const pages: DueCheck[][] = [];
      let after: string | undefined;
      do {
        const page = await store.listDueChecks(now, limit, after);
        expect(page.checks.length).toBeLessThanOrEqual(limit);
        pages.push(page.checks);
        after = page.next;
      } while (after !== undefined);
      return pages;
    };

    it('lists an order once its check is due, not a millisecond before, and drops it once settled', async () => {
      const store = await alone();
      const order = dueAt('2025-06-01T03:20:00.000Z', {
        nextCheck: { attempt: 3, at: '2025-06-01T03:20:00.000Z' },
      });
      await store.create(order);

      expect(await due(store, '2025-06-01T03:19:59.999Z', 10)).toEqual([]);
      expect(await due(store, '2025-06-01T03:20:00.000Z', 10)).toEqual([asDue(order)]);
      expect(await due(store, '2025-06-02T00:00:00.000Z', 10)).toEqual([asDue(order)]);

      await store.replace(paid(order, '261128000000001'), order);

      expect(await due(store, '2025-06-02T00:00:00.000Z', 10)).toEqual([]);
    });

    it('follows a rescheduled check to its new time and attempt', async () => {
      const store = await alone();
      const order = dueAt('2025-07-01T00:00:00.000Z');
      await store.create(order);
      const rescheduled = {
        ...order,
        version: order.version + 1,
        nextCheck: { attempt: 2, at: '2025-07-01T00:01:00.000Z' },
      };

      await store.replace(rescheduled, order);

      expect(await due(store, '2025-07-01T00:00:30.000Z', 10)).toEqual([]);
      expect(await due(store, '2025-07-01T00:01:00.000Z', 10)).toEqual([asDue(rescheduled)]);
    });

    it('compares instants, not spellings, and answers the check’s time as it was stored', async () => {
      const store = await alone();
      const order = dueAt('2025-06-01T03:20:00Z');
      await store.create(order);

      expect(await due(store, '2025-06-01T10:19:59+07:00', 10)).toEqual([]);
      expect(await due(store, '2025-06-01T10:20:00+07:00', 10)).toEqual([
        { appTransId: order.appTransId, attempt: 1, at: '2025-06-01T03:20:00Z' },
      ]);
    });

    it('merges every order oldest first, equal times by id', async () => {
      const store = await alone();
      const orders = [
        dueAt('2025-01-01T00:03:00.000Z'),
        dueAt('2025-01-01T00:01:00.000Z'),
        dueAt('2025-01-01T00:02:00.000Z'),
        dueAt('2025-01-01T00:02:00.000Z'),
        dueAt('2025-01-01T00:00:00.000Z'),
        dueAt('2025-01-01T00:04:00.000Z'),
      ];
      for (const order of orders) await store.create(order);
      const oldestFirst = [...orders].sort(
        (a, b) => a.nextCheck!.at.localeCompare(b.nextCheck!.at) || (a.appTransId < b.appTransId ? -1 : 1),
      );

      expect(await store.listDueChecks('2025-02-01T00:00:00.000Z', 100)).toEqual({
        checks: oldestFirst.map(asDue),
      });
    });

    it('lists a paid order while one of its refunds waits for a follow-up, at the earliest one', async () => {
      const store = await alone();
      const order = dueAt('2025-08-01T00:00:00.000Z');
      await store.create(order);
      const refund = (n: number, at?: string): Refund => ({
        mRefundId: `250801_2553_r${n}`,
        amount: 1_000,
        description: 'Hoàn tiền',
        status: at ? 'PROCESSING' : 'SUCCEEDED',
        keyHash: `k${n}`,
        createdAt: '2025-08-01T00:00:00.000Z',
        updatedAt: '2025-08-01T00:00:00.000Z',
        ...(at && { nextCheck: { attempt: n, at } }),
      });
      const refunding: Order = {
        ...paid(order, '250801000000001'),
        refunds: [refund(1), refund(2, '2025-08-01T00:05:00.000Z'), refund(3, '2025-08-01T00:02:00.000Z')],
      };
      await store.replace(refunding, order);

      expect(await store.listDueChecks('2025-08-01T00:01:59.999Z', 10)).toEqual({ checks: [] });
      expect(await store.listDueChecks('2025-08-01T00:02:00.000Z', 10)).toEqual({
        checks: [{ kind: 'refunds', appTransId: order.appTransId, at: '2025-08-01T00:02:00.000Z' }],
      });

      // Every refund final: out of the index.
      await store.replace({ ...refunding, version: refunding.version + 1, refunds: [refund(1)] }, refunding);
      expect(await store.listDueChecks('2025-09-01T00:00:00.000Z', 10)).toEqual({ checks: [] });
    });

    it.each([0, 1, 3])('returns at most %i, the oldest', async (limit) => {
      const store = await alone();
      const orders = ['03', '01', '04', '02', '00'].map((minute) => dueAt(`2025-01-01T00:${minute}:00.000Z`));
      for (const order of orders) await store.create(order);
      const oldestFirst = [...orders].sort((a, b) => a.nextCheck!.at.localeCompare(b.nextCheck!.at));

      expect(await due(store, '2025-02-01T00:00:00.000Z', limit)).toEqual(
        oldestFirst.slice(0, limit).map(asDue),
      );
    });

    it.each([1, 2, 3, 20])('pages %i at a time through every due check once, oldest first', async (limit) => {
      const store = await alone();
      // Equal times too, which the index keeps in an order of its own.
      const minutes = ['05', '01', '03', '01', '00', '04', '01', '02', '03', '00', '06'];
      const orders = minutes.map((minute) => dueAt(`2025-01-01T00:${minute}:00.000Z`));
      for (const order of orders) await store.create(order);
      await store.create(dueAt('2025-03-01T00:00:00.000Z'));

      const pages = await allPages(store, '2025-02-01T00:00:00.000Z', limit);

      const listed = pages.flat();
      expect([...listed].sort((a, b) => a.appTransId.localeCompare(b.appTransId))).toEqual(
        orders.map(asDue).sort((a, b) => a.appTransId.localeCompare(b.appTransId)),
      );
      expect(listed.map((c) => c.at)).toEqual(orders.map((o) => o.nextCheck!.at).sort());
      // At most one empty page, at the end, when the last full page could not tell.
      expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    });

    it('goes on past what it returned, whether or not those checks are still due', async () => {
      const store = await alone();
      const orders = ['00', '01', '02', '03', '04'].map((minute) => dueAt(`2025-01-01T00:${minute}:00.000Z`));
      for (const order of orders) await store.create(order);
      const now = '2025-02-01T00:00:00.000Z';

      const first = await store.listDueChecks(now, 2);
      // The first order was checked and rescheduled to later; the second failed and is still due.
      const [checked] = orders;
      await store.replace(
        { ...checked!, version: 2, nextCheck: { attempt: 2, at: '2025-03-01T00:00:00.000Z' } },
        checked!,
      );
      const second = await store.listDueChecks(now, 2, first.next);
      const third = await store.listDueChecks(now, 2, second.next);

      expect([first.checks, second.checks, third.checks]).toEqual([
        orders.slice(0, 2).map(asDue),
        orders.slice(2, 4).map(asDue),
        orders.slice(4).map(asDue),
      ]);
      if (third.next) expect((await store.listDueChecks(now, 2, third.next)).checks).toEqual([]);
    });

    it('leaves out of later pages what settled meanwhile', async () => {
      const store = await alone();
      const orders = ['00', '01', '02', '03'].map((minute) => dueAt(`2025-01-01T00:${minute}:00.000Z`));
      for (const order of orders) await store.create(order);
      const now = '2025-02-01T00:00:00.000Z';

      const first = await store.listDueChecks(now, 2);
      await store.replace(paid(orders[2]!, '261128000000002'), orders[2]!);
      const rest = await allPagesAfter(store, now, 2, first.next);

      expect(rest).toEqual([asDue(orders[3]!)]);
    });

    it('refuses a cursor it did not make', async () => {
      const store = await alone();

      await expect(store.listDueChecks('2025-02-01T00:00:00.000Z', 2, 'not a cursor')).rejects.toThrow(
        'not a due-checks cursor of this store',
      );
    });
  });
  describe('reviews', () => {
    const inReview = (at: string, patch: Partial<Order> = {}) =>
      uniqueOrder({
        status: 'REVIEW',
        review: { reason: 'AMOUNT_MISMATCH' },
        updatedAt: at,
        nextCheck: undefined,
        paidAmount: 1_000,
        zpTransId: '250101000000001',
        transitions: [
          { at, from: 'PENDING', to: 'REVIEW', review: 'AMOUNT_MISMATCH', trigger: 'callback', evidence: {} },
        ],
        ...patch,
      });
    const pages = async (store: OrderStore, limit: number) => {
      const seen: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listReviews({ limit, ...(cursor && { cursor }) });
        seen.push(page.reviews.map((r) => r.appTransId));
        cursor = page.cursor;
      } while (cursor && seen.length < 20);
      return seen;
    };

    it('lists the orders waiting for a person newest first, and drops one once it needs no review', async () => {
      const store = await alone();
      const older = inReview('2025-01-01T00:01:00.000Z');
      const newer = inReview('2025-01-01T00:02:00.000Z');
      const paidAfterClose = uniqueOrder({
        status: 'PAID',
        review: { reason: 'PAID_AFTER_CLOSE' },
        nextCheck: undefined,
        transitions: [
          {
            at: '2025-01-01T00:03:00.000Z',
            from: 'EXPIRED',
            to: 'PAID',
            review: 'PAID_AFTER_CLOSE',
            trigger: 'callback',
            evidence: {},
          },
        ],
      });
      for (const order of [older, newer, paidAfterClose, uniqueOrder(), uniqueOrder({ status: 'PAID' })]) {
        await store.create(order);
      }

      const { reviews, cursor } = await store.listReviews({ limit: 10 });

      expect(cursor).toBeUndefined();
      expect(reviews).toEqual([
        {
          appTransId: paidAfterClose.appTransId,
          status: 'PAID',
          reason: 'PAID_AFTER_CLOSE',
          since: '2025-01-01T00:03:00.000Z',
          amount: 50_000,
          createdAt: paidAfterClose.createdAt,
        },
        {
          appTransId: newer.appTransId,
          status: 'REVIEW',
          reason: 'AMOUNT_MISMATCH',
          since: '2025-01-01T00:02:00.000Z',
          amount: 50_000,
          paidAmount: 1_000,
          zpTransId: '250101000000001',
          createdAt: newer.createdAt,
        },
        expect.objectContaining({ appTransId: older.appTransId }),
      ]);
      const { review: _cleared, ...rest } = newer;
      await store.replace({ ...rest, status: 'PAID', version: newer.version + 1 }, newer);
      expect((await store.listReviews({ limit: 10 })).reviews.map((r) => r.appTransId)).toEqual([
        paidAfterClose.appTransId,
        older.appTransId,
      ]);
    });

    it.each([1, 2, 3])('pages %i at a time through every one, each once, in order', async (limit) => {
      const store = await alone();
      const orders = ['05', '01', '04', '02', '03'].map((s) => inReview(`2025-01-01T00:00:${s}.000Z`));
      for (const order of orders) await store.create(order);
      const newestFirst = [...orders]
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
        .map((o) => o.appTransId);

      const seen = await pages(store, limit);

      expect(seen.flat()).toEqual(newestFirst);
      expect(seen.every((page) => page.length <= limit)).toBe(true);
    });

    it('refuses a cursor it never gave out', async () => {
      const store = await alone();
      for (const cursor of [
        'x',
        Buffer.from('{"pk":1}').toString('base64url'),
        Buffer.from('[1,2]').toString('base64url'),
      ]) {
        await expect(store.listReviews({ limit: 1, cursor })).rejects.toMatchObject({
          name: 'InvalidCursorError',
        });
      }
    });
  });

  describe('orders of a day', () => {
    const ofDay = (day: string, n: number, overrides: Partial<Order> = {}) =>
      uniqueOrder({
        appTransId: `${day}_${String(n).padStart(4, '0')}${Math.random().toString(36).slice(2, 8)}`,
        ...overrides,
      });

    /** Every id of the day, page after page, each page checked against `limit`. */
    const allOfDay = async (store: OrderStore, day: string, limit: number) => {
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = await store.listOrdersOfDay(day, limit, after);
        expect(page.appTransIds.length).toBeLessThanOrEqual(limit);
        ids.push(...page.appTransIds);
        after = page.next;
      } while (after !== undefined);
      return ids;
    };

    it('lists every order of the day, whatever its state, in id order, and no other day’s', async () => {
      const store = await alone();
      const day = [
        ofDay('261129', 1),
        ofDay('261129', 2, { status: 'PAID', version: 2 }),
        ofDay('261129', 3, { status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' } }),
        ofDay('261129', 4, { status: 'EXPIRED', nextCheck: { attempt: 2, at: '2026-11-29T01:00:00.000Z' } }),
        ofDay('261129', 5, { status: 'FAILED' }),
      ];
      for (const order of [...day, ofDay('261128', 1), ofDay('261130', 1)]) await store.create(order);
      // A rewrite keeps the order in its day, once.
      const rewritten = { ...day[0]!, status: 'PAID' as const, version: day[0]!.version + 1 };
      expect(await store.replace(rewritten, day[0]!)).toBe(true);

      const ids = day.map((o) => o.appTransId).sort();
      expect((await store.listOrdersOfDay('261129', 10)).appTransIds).toEqual(ids);
      expect(await allOfDay(store, '261129', 2)).toEqual(ids);
      expect(await allOfDay(store, '261129', 1)).toEqual(ids);
      expect(await allOfDay(store, '261127', 3)).toEqual([]);
    });

    it('goes on after any id, not only a page’s last, and ends without a next', async () => {
      const store = await alone();
      const orders = Array.from({ length: 9 }, (_, n) => ofDay('261201', n));
      for (const order of orders) await store.create(order);
      const ids = orders.map((o) => o.appTransId).sort();

      const page = await store.listOrdersOfDay('261201', 4, ids[2]);
      expect(page.appTransIds).toEqual(ids.slice(3, 7));
      expect(page.next).toBe(ids[6]);
      const last = await store.listOrdersOfDay('261201', 4, ids[6]);
      expect(last.appTransIds).toEqual(ids.slice(7));
      expect(last.next).toBeUndefined();
      expect((await store.listOrdersOfDay('261201', 9)).next).toBeUndefined();
      expect((await store.listOrdersOfDay('261201', 0)).appTransIds).toEqual([]);
    });

    it('leaves out ids that start with no day (orphan payments ZaloPay named otherwise)', async () => {
      const store = await alone();
      await store.create(uniqueOrder({ appTransId: 'shop-A-77' }));
      await store.create(uniqueOrder({ appTransId: '261340_not-a-date' }));
      const dated = ofDay('261202', 1);
      await store.create(dated);
      expect((await store.listOrdersOfDay('261202', 10)).appTransIds).toEqual([dated.appTransId]);
      expect((await store.listOrdersOfDay('261340', 10)).appTransIds).toEqual([]);
    });
  });
});

/** The checks of every page after the one whose `next` is `after`. */
const allPagesAfter = async (store: OrderStore, now: string, limit: number, after: string | undefined) => {
  const checks: DueCheck[] = [];
  for (let next = after; next !== undefined; ) {
    const page = await store.listDueChecks(now, limit, next);
    checks.push(...page.checks);
    next = page.next;
  }
  return checks;
};

describe.each(IDEMPOTENCY_STORES)('IdempotencyStore contract: $name', ({ use }) => {
  const freshStore = use();
  const T0 = '2025-06-01T03:00:00.000Z';
  const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
  const lease = (seconds: number) => at(seconds + 30);
  const created = { statusCode: 201, body: '{"appTransId":"250601_x","status":"PENDING"}' };
  let keys = 0;
  const freshKey = () => `key-${++keys}-${Date.now()}`;

  it('claims a new key, then reports it in progress to the same request', async () => {
    const [store, key] = [await freshStore(), freshKey()];

    expect(await store.claim(key, 'h1', T0, lease(0))).toEqual({ kind: 'claimed' });
    expect(await store.claim(key, 'h1', at(5), lease(5))).toEqual({ kind: 'in-progress' });
  });

  it('reports a mismatch to a different request, in progress or completed', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));

    expect(await store.claim(key, 'h2', at(1), lease(1))).toEqual({ kind: 'mismatch' });
    await store.complete(key, 'h1', created);
    expect(await store.claim(key, 'h2', at(2), lease(2))).toEqual({ kind: 'mismatch' });
  });

  it('replays the completed response to the same request for 24 h', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));

    await store.complete(key, 'h1', created);

    expect(await store.claim(key, 'h1', at(60), lease(60))).toEqual({ kind: 'replay', response: created });
    expect(await store.claim(key, 'h1', at(86_399), lease(86_399))).toEqual({
      kind: 'replay',
      response: created,
    });
  });

  it('lets the same request take over a claim whose lease has passed, but no other request', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));

    expect(await store.claim(key, 'h1', at(30), lease(30))).toEqual({ kind: 'in-progress' });
    expect(await store.claim(key, 'h2', at(31), lease(31))).toEqual({ kind: 'mismatch' });
    expect(await store.claim(key, 'h1', at(31), lease(31))).toEqual({ kind: 'claimed' });
    expect(await store.claim(key, 'h1', at(32), lease(32))).toEqual({ kind: 'in-progress' });
  });

  it('never takes over a completed key, even long after its lease', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));
    await store.complete(key, 'h1', created);

    expect(await store.claim(key, 'h1', at(3600), lease(3600))).toEqual({
      kind: 'replay',
      response: created,
    });
  });

  it('frees a released key for any request', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));

    await store.release(key, 'h1');

    expect(await store.claim(key, 'h2', at(1), lease(1))).toEqual({ kind: 'claimed' });
  });

  it('ignores a release by another request or after completion', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));

    await store.release(key, 'h2');
    expect(await store.claim(key, 'h1', at(1), lease(1))).toEqual({ kind: 'in-progress' });

    await store.complete(key, 'h1', created);
    await store.release(key, 'h1');
    expect(await store.claim(key, 'h1', at(2), lease(2))).toEqual({ kind: 'replay', response: created });
  });

  it('treats a record 24 h after its claim as gone, by the time it is given', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));
    await store.complete(key, 'h1', created);

    expect(await store.claim(key, 'h2', at(86_399), lease(86_399))).toEqual({ kind: 'mismatch' });
    expect(await store.claim(key, 'h2', at(86_400), lease(86_400))).toEqual({ kind: 'claimed' });
    expect(await store.claim(key, 'h1', at(86_401), lease(86_401))).toEqual({ kind: 'mismatch' });
  });

  it('does not let a completion overwrite a key now held by another request', async () => {
    const [store, key] = [await freshStore(), freshKey()];
    await store.claim(key, 'h1', T0, lease(0));
    await store.release(key, 'h1');
    await store.claim(key, 'h2', at(1), lease(1));

    await store.complete(key, 'h1', created);

    expect(await store.claim(key, 'h2', at(2), lease(2))).toEqual({ kind: 'in-progress' });
  });

  it('completes nothing for a key that was never claimed', async () => {
    const [store, key] = [await freshStore(), freshKey()];

    await store.complete(key, 'h1', created);

    expect(await store.claim(key, 'h1', T0, lease(0))).toEqual({ kind: 'claimed' });
  });

  it('grants one of 10 racing claims of the same request', async () => {
    const [store, key] = [await freshStore(), freshKey()];

    const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(key, 'h1', T0, lease(0))));

    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in-progress')).toHaveLength(9);
  });
});
