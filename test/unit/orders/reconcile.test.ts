import fc from 'fast-check';
import type { Order } from '../../../shared/core/orders/model';
import {
  DEFAULT_RECONCILE_OPTIONS,
  InvalidDayError,
  type ReconcileDeps,
  type ReconciliationRow,
  reconcileDay,
  toCsv,
} from '../../../shared/core/orders/reconcile';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../../shared/core/zalopay/errors';
import {
  dayOfAppTransId,
  newAppTransId,
  vnDate,
  vnDayBefore,
  vnDayPrefix,
  vnDaySpan,
} from '../../../shared/core/zalopay/ids';
import { queryAnswer, useInMemoryWorld } from '../../support/memory';
import { anOrder, at } from '../../support/orders';

// Orders of anOrder() are of 2026-11-28 (Vietnam); reconciliation runs the next night.
const DAY = '2026-11-28';
const OPTIONS = { ...DEFAULT_RECONCILE_OPTIONS, queriesPerSecond: 1e9, retryDelayMs: 1 };

const id = (n: number) => `261128_order${String(n).padStart(3, '0')}`;
const settled = (overrides: Partial<Order>): Order => {
  const { nextCheck: _none, ...order } = anOrder(overrides);
  return order;
};
const paid = (n: number, overrides: Partial<Order> = {}) =>
  settled({
    appTransId: id(n),
    status: 'PAID',
    version: 3,
    paidAmount: 50_000,
    settledBy: 'callback',
    zpTransId: `26112800000000${n}`,
    ...overrides,
  });

describe('reconcileDay', () => {
  // 02:00 in Vietnam the next day: every order of the day is long expired.
  const world = useInMemoryWorld(new Date('2026-11-28T19:00:00.000Z'));
  const deps = (): ReconcileDeps => ({ ...world().deps, sleep: async () => undefined });
  const rowOf = (rows: ReconciliationRow[], n: number) => rows.find((r) => r.appTransId === id(n));

  it('matches, flags amount and status differences, and leaves what ZaloPay cannot say unresolved', async () => {
    const { store, zalopay } = world();
    store.put(paid(1)); // paid by callback, ZaloPay agrees
    store.put(paid(2)); // paid here, ZaloPay collected another amount
    store.put(paid(3)); // paid here, not paid at ZaloPay
    store.put(settled({ appTransId: id(4), status: 'EXPIRED', version: 3 })); // unpaid both sides
    store.put(paid(5, { settledBy: 'query' })); // settled by a query: not asked again
    store.put(paid(6)); // ZaloPay does not answer
    store.put(paid(7)); // ZaloPay still processing
    store.put(settled({ appTransId: '261127_yesterday', status: 'PAID', paidAmount: 1 }));
    const answers: Record<string, unknown> = {
      [id(1)]: queryAnswer({ returnCode: 1, amount: 50_000, zpTransId: '261128000000001' }),
      [id(2)]: queryAnswer({ returnCode: 1, amount: 45_000, zpTransId: '261128000000002' }),
      [id(3)]: queryAnswer({ returnCode: 2, subReturnCode: -217 }),
      [id(4)]: queryAnswer({ returnCode: 2, subReturnCode: -54 }),
      [id(6)]: new ZaloPayUnavailableError('query', 'timeout', 'no answer in 10000 ms'),
      [id(7)]: queryAnswer({ returnCode: 3, isProcessing: true }),
    };
    zalopay.always('queryOrder', (appTransId) => {
      const answer = answers[appTransId];
      if (answer instanceof Error) throw answer;
      return answer as ReturnType<typeof queryAnswer>;
    });

    const report = await reconcileDay(deps(), DAY, OPTIONS);

    expect(report.complete).toBe(true);
    expect(report.rows.map((r) => r.appTransId)).toEqual([1, 2, 3, 4, 5, 6, 7].map(id));
    expect(rowOf(report.rows, 1)).toMatchObject({ result: 'matched', source: 'query' });
    expect(rowOf(report.rows, 2)).toMatchObject({
      result: 'mismatched',
      mismatches: ['amount'],
      zalopay: { state: 'paid', amount: 45_000 },
    });
    expect(rowOf(report.rows, 3)).toMatchObject({
      result: 'mismatched',
      mismatches: ['status'],
      zalopay: { state: 'failed', subReturnCode: -217 },
    });
    expect(rowOf(report.rows, 4)).toMatchObject({ result: 'matched', status: 'EXPIRED' });
    expect(rowOf(report.rows, 5)).toMatchObject({ result: 'matched', source: 'stored-query' });
    expect(rowOf(report.rows, 6)).toMatchObject({ result: 'unresolved', zalopay: { state: 'unanswered' } });
    expect(rowOf(report.rows, 7)).toMatchObject({ result: 'unresolved', zalopay: { state: 'processing' } });
    // The unanswered query was tried 1 + retries times; the stored-query order never.
    const asked = zalopay.requestsOf('queryOrder');
    expect(asked.filter((a) => a === id(6))).toHaveLength(1 + OPTIONS.retries);
    expect(asked).not.toContain(id(5));
    expect(report.summary).toEqual({
      date: DAY,
      orders: 7,
      matched: 3,
      mismatched: 2,
      unresolved: 2,
      queried: 6,
      applied: 0,
      collectedHere: 6 * 50_000,
      collectedAtZaloPay: 50_000 + 45_000 + 50_000,
      refundedHere: 0,
    });
    // Reporting a final verdict changed nothing.
    expect(store.peek(id(3))).toEqual(paid(3));
    expect(world().metrics.counts).toMatchObject({
      ReconciliationMismatches: 2,
      ReconciliationUnresolved: 2,
    });
  });

  it('records a payment it finds for an open order once, through decide(), with its history', async () => {
    const { store, zalopay } = world();
    store.put(anOrder({ appTransId: id(1) }));
    store.put(anOrder({ appTransId: id(2) }));
    zalopay.always('queryOrder', (appTransId) =>
      appTransId === id(1)
        ? queryAnswer({
            returnCode: 1,
            amount: 50_000,
            zpTransId: '261128000000001',
            serverTime: at(60).getTime(),
          })
        : queryAnswer({ returnCode: 3 }),
    );

    const first = await reconcileDay(deps(), DAY, OPTIONS);

    expect(rowOf(first.rows, 1)).toMatchObject({
      result: 'matched',
      applied: { from: 'PENDING', to: 'PAID' },
    });
    // Past its expiry and grace, the unpaid one is closed as a sync would close it.
    expect(rowOf(first.rows, 2)).toMatchObject({
      result: 'matched',
      applied: { from: 'PENDING', to: 'EXPIRED' },
    });
    const order = store.peek(id(1))!;
    expect(order).toMatchObject({ status: 'PAID', paidAmount: 50_000, settledBy: 'query' });
    expect(order.transitions?.at(-1)).toMatchObject({ trigger: 'reconciliation', to: 'PAID' });
    expect(store.peekHistory(id(1))).toEqual([
      expect.objectContaining({ kind: 'QUERY', trigger: 'reconciliation', outcome: 'CHANGED', to: 'PAID' }),
    ]);
    expect(world().metrics.counts.OrderPaid).toBe(1);

    // A second run finds it settled by that query: matched, nothing written, counted once.
    const second = await reconcileDay(deps(), DAY, OPTIONS);
    expect(rowOf(second.rows, 1)).toMatchObject({ result: 'matched', source: 'stored-query' });
    expect(rowOf(second.rows, 1)?.applied).toBeUndefined();
    expect(store.peek(id(1))).toEqual(order);
    expect(world().metrics.counts.OrderPaid).toBe(1);
  });

  it('keeps and flags a payment ZaloPay took for an order we had closed', async () => {
    const { store, zalopay } = world();
    store.put(settled({ appTransId: id(1), status: 'EXPIRED', version: 3 }));
    zalopay.script(
      'queryOrder',
      queryAnswer({ returnCode: 1, amount: 50_000, zpTransId: '261128000000001' }),
    );

    const report = await reconcileDay(deps(), DAY, OPTIONS);

    expect(rowOf(report.rows, 1)).toMatchObject({
      result: 'mismatched',
      mismatches: ['status'],
      status: 'EXPIRED',
      applied: { from: 'EXPIRED', to: 'PAID', review: 'PAID_AFTER_CLOSE' },
    });
    expect(store.peek(id(1))).toMatchObject({ status: 'PAID', review: { reason: 'PAID_AFTER_CLOSE' } });
    expect(report.summary.collectedHere).toBe(50_000);
  });

  it('calls an order ZaloPay does not know unresolved when ZaloPay had created it', async () => {
    const { store, zalopay } = world();
    store.put(paid(1));
    store.put(settled({ appTransId: id(2), status: 'FAILED', version: 2, orderUrl: undefined }));
    zalopay.always('queryOrder', queryAnswer({ returnCode: 2, subReturnCode: -101 }));

    const { rows } = await reconcileDay(deps(), DAY, OPTIONS);

    expect(rowOf(rows, 1)).toMatchObject({ result: 'unresolved', zalopay: { state: 'unknown' } });
    expect(rowOf(rows, 2)).toMatchObject({ result: 'matched', status: 'FAILED' });
  });

  it('flags refunds whose total differs from the ledger ZaloPay confirmed', async () => {
    const { store, zalopay } = world();
    const refund = {
      mRefundId: '261128_2553_r1',
      amount: 10_000,
      description: 'r',
      status: 'SUCCEEDED' as const,
      keyHash: 'k',
      createdAt: at(0).toISOString(),
      updatedAt: at(0).toISOString(),
    };
    store.put(paid(1, { refundedAmount: 10_000, refunds: [refund] }));
    store.put(paid(2, { refundedAmount: 20_000, refunds: [refund] }));
    zalopay.always('queryOrder', queryAnswer({ returnCode: 1, amount: 50_000 }));

    const { rows, summary } = await reconcileDay(deps(), DAY, OPTIONS);

    expect(rowOf(rows, 1)).toMatchObject({ result: 'matched' });
    expect(rowOf(rows, 2)).toMatchObject({ result: 'mismatched', mismatches: ['refunds'] });
    expect(summary.refundedHere).toBe(30_000);
  });

  it('retries a -429 refusal after a pause, and spaces its queries to the rate', async () => {
    const { store, zalopay, clock } = world();
    for (const n of [1, 2, 3]) store.put(paid(n));
    zalopay.script('queryOrder', new ZaloPayRejectedError('query', -429, 'too many', -429, ''));
    zalopay.always('queryOrder', queryAnswer({ returnCode: 1, amount: 50_000 }));
    const pauses: number[] = [];
    const sleep = async (ms: number) => {
      pauses.push(ms);
      clock.advance(ms / 1000);
    };

    const report = await reconcileDay({ ...deps(), sleep }, DAY, {
      ...OPTIONS,
      concurrency: 1,
      queriesPerSecond: 2,
      retryDelayMs: 700,
    });

    expect(report.summary).toMatchObject({ matched: 3, unresolved: 0 });
    expect(zalopay.requestsOf('queryOrder')).toEqual([id(1), id(1), id(2), id(3)]);
    // 700 ms before the retry, whose slot (500 ms after the first) had passed; then one every 500 ms.
    expect(pauses).toEqual([700, 500, 500]);
  });

  it('stops for time between batches and carries on from where it stopped, nothing twice', async () => {
    const { store, zalopay } = world();
    for (let n = 1; n <= 7; n++) store.put(paid(n));
    zalopay.always('queryOrder', queryAnswer({ returnCode: 1, amount: 50_000 }));
    const options = { ...OPTIONS, concurrency: 2, pageSize: 3, reserveMs: 1000 };

    // No time left at all: the first batch still runs, so that every call gets further.
    const first = await reconcileDay(deps(), DAY, options, { remainingMs: () => 0 });
    expect(first.complete).toBe(false);
    expect(first.rows.map((r) => r.appTransId)).toEqual([id(1), id(2)]);
    expect(first.next).toBe(id(2));

    const rest = await reconcileDay(deps(), DAY, options, { after: first.next, maxOrders: 3 });
    expect(rest.rows.map((r) => r.appTransId)).toEqual([id(3), id(4), id(5)]);
    const last = await reconcileDay(deps(), DAY, options, { after: rest.next });
    expect(last.rows.map((r) => r.appTransId)).toEqual([id(6), id(7)]);
    expect(last.complete).toBe(true);
    expect(last.next).toBeUndefined();
    expect(zalopay.requestsOf('queryOrder')).toEqual([1, 2, 3, 4, 5, 6, 7].map(id));
  });

  it('refuses a day that is no date', async () => {
    for (const day of ['2026-02-30', '26-11-28', '2026-11-28T00:00', '1999-12-31', '']) {
      await expect(reconcileDay(deps(), day, OPTIONS)).rejects.toBeInstanceOf(InvalidDayError);
    }
  });
});

describe('toCsv', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180), under a header', () => {
    const row: ReconciliationRow = {
      appTransId: '261128_a',
      result: 'mismatched',
      mismatches: ['amount', 'status'],
      note: 'ZaloPay said "no", then\r\nyes, twice',
      source: 'query',
      status: 'PAID',
      amount: 50_000,
      paidAmount: 45_000,
      refundedAmount: 0,
      zalopay: { state: 'paid', amount: 45_000, zpTransId: '261128000000001', returnCode: 1 },
      createdAt: '2026-11-28T03:00:00.000Z',
    };
    const csv = toCsv([row]);
    const [header, line, end] = csv.split('\r\n');
    expect(header).toBe(
      'appTransId,result,mismatches,note,source,status,review,amount,paidAmount,refundedAmount,zalopayState,zalopayAmount,zpTransId,returnCode,subReturnCode,appliedTo,createdAt',
    );
    expect(line).toBe('261128_a,mismatched,amount status,"ZaloPay said ""no"", then');
    expect(csv).toContain(
      '"ZaloPay said ""no"", then\r\nyes, twice",query,PAID,,50000,45000,0,paid,45000,261128000000001,1,,,2026-11-28T03:00:00.000Z\r\n',
    );
    expect(end).toBe(
      'yes, twice",query,PAID,,50000,45000,0,paid,45000,261128000000001,1,,,2026-11-28T03:00:00.000Z',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

describe('Vietnam days', () => {
  it('an id made at any instant belongs to the Vietnam day whose span holds that instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        (instant) => {
          const prefix = dayOfAppTransId(newAppTransId(instant));
          const vietnamDay = new Date(instant.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
          const { start, end } = vnDaySpan(vietnamDay);
          expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime()).toBeLessThan(end.getTime());
          expect(prefix).toBe(vnDayPrefix(vietnamDay));
          expect(prefix).toBe(vnDate(instant));
          // The day before is yesterday in Vietnam, whatever the UTC date is.
          expect(vnDaySpan(vnDayBefore(instant, 1)).end.getTime()).toBe(start.getTime());
        },
      ),
    );
  });

  it('puts 16:59:59.999Z in one day and 17:00Z in the next', () => {
    expect(vnDate(new Date('2026-11-28T16:59:59.999Z'))).toBe('261128');
    expect(vnDate(new Date('2026-11-28T17:00:00.000Z'))).toBe('261129');
    expect(vnDayBefore(new Date('2026-11-28T19:00:00.000Z'), 1)).toBe('2026-11-28');
  });
});
