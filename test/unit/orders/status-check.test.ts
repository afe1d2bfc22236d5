import { sweepOptions } from '../../../functions/sweeper';
import type { Order, OrderStatus } from '../../../shared/core/orders/model';
import { checkStatus, sweepOverdueChecks } from '../../../shared/core/orders/status-check';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../../shared/core/zalopay/errors';
import { queryAnswer, useInMemoryWorld, writesTo } from '../../support/memory';
import { anOrder, at, T0 } from '../../support/orders';

const ID = anOrder().appTransId;
const SCHEDULED = { kind: 'schedule', attempt: 1 } as const;
const HOUR = 3600;

/** The order, still unsettled, with a long expiry so the back-off is never brought forward. */
const longLived = (overrides: Partial<Order> = {}) =>
  anOrder({ expireDurationSeconds: 86_400, expiresAt: at(86_400).toISOString(), ...overrides });
const settled = (status: OrderStatus): Order => {
  const { nextCheck: _none, ...order } = anOrder({ status, version: 3 });
  return order;
};

describe('checkStatus', () => {
  // The first check of a default order: 20 minutes after creation, its expiry (15 min) + grace (5 min).
  const world = useInMemoryWorld(at(1200));

  it('a paid answer makes the order PAID, settled by the query, and records the answer', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(anOrder());
    zalopay.script(
      'queryOrder',
      queryAnswer({
        returnCode: 1,
        amount: 50_000,
        zpTransId: '261128000000007',
        serverTime: at(30).getTime(),
      }),
    );

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toMatchObject({
      status: 'PAID',
      version: 3,
      settledBy: 'query',
      paidAmount: 50_000,
      paidAt: at(30).toISOString(),
      zpTransId: '261128000000007',
    });
    expect(order?.nextCheck).toBeUndefined();
    expect(store.peek(ID)).toEqual(order);
    expect(zalopay.requestsOf('queryOrder')).toEqual([ID]);
    expect(scheduler.requests).toEqual([]);
    expect(store.peekHistory(ID)).toEqual([
      {
        at: at(1200).toISOString(),
        kind: 'QUERY',
        trigger: 'schedule',
        detail: {
          returnCode: 1,
          subReturnMessage: '',
          isProcessing: false,
          amount: 50_000,
          zpTransId: '261128000000007',
          serverTime: at(30).getTime(),
        },
        outcome: 'CHANGED',
        from: 'PENDING',
        to: 'PAID',
      },
    ]);
  });

  it('a paid answer of another amount sends the order to REVIEW', async () => {
    const { deps, store, zalopay } = world();
    store.put(anOrder());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 1, amount: 5_000 }));

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'AMOUNT_MISMATCH' },
    });
  });

  it('an answer 2 with sub code -54 expires the order', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(longLived());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 2, subReturnCode: -54 }));

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toMatchObject({ status: 'EXPIRED', version: 3 });
    expect(order?.failure).toBeUndefined();
    expect(order?.nextCheck).toBeUndefined();
    expect(scheduler.requests).toEqual([]);
  });

  it('an answer 2 with another sub code fails the order with ZaloPay’s codes', async () => {
    const { deps, store, zalopay } = world();
    // The create got no answer: ZaloPay never received it.
    store.put(longLived({ status: 'CREATING', version: 1, orderUrl: undefined, zpTransToken: undefined }));
    zalopay.script(
      'queryOrder',
      queryAnswer({ returnCode: 2, subReturnCode: -101, subReturnMessage: 'Giao dịch không tồn tại' }),
    );

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({
      status: 'FAILED',
      failure: { returnCode: 2, subReturnCode: -101, subReturnMessage: 'Giao dịch không tồn tại' },
    });
  });

  it.each([
    [1, 60],
    [3, 240],
    [6, 1920],
    [8, HOUR],
  ])(
    'not paid yet after attempt %i: the next check follows %i s later, recorded before it is scheduled',
    async (attempt, delay) => {
      const { deps, store, zalopay, scheduler } = world();
      store.put(longLived({ nextCheck: { attempt, at: at(1200).toISOString() } }));
      zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

      const order = await checkStatus(deps, ID, { kind: 'schedule', attempt });

      const next = { attempt: attempt + 1, at: at(1200 + delay) };
      expect(scheduler.scheduled).toEqual([{ appTransId: ID, ...next }]);
      expect(order).toMatchObject({ status: 'PENDING', version: 3, updatedAt: T0.toISOString() });
      expect(store.peek(ID)?.nextCheck).toEqual({ ...next, at: next.at.toISOString() });
      expect(store.peekHistory(ID)).toMatchObject([{ kind: 'QUERY', outcome: 'NO_CHANGE', to: 'PENDING' }]);
    },
  );

  it('a follow-up that would overshoot the expiry deadline is brought forward to it', async () => {
    const { deps, store, zalopay, scheduler, clock } = world();
    // Expires at 3600 s, so the deadline is 3900 s; from 3000 s a 960 s back-off would land at 3960 s.
    store.put(
      anOrder({ expiresAt: at(3600).toISOString(), nextCheck: { attempt: 5, at: at(3000).toISOString() } }),
    );
    clock.advance(1800);
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    await checkStatus(deps, ID, { kind: 'schedule', attempt: 5 });

    expect(scheduler.scheduled).toEqual([{ appTransId: ID, attempt: 6, at: at(3900) }]);
  });

  it('not paid and not processing once expiry + grace has passed: EXPIRED, nothing more scheduled', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(anOrder());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({ status: 'EXPIRED' });
    expect(scheduler.requests).toEqual([]);
  });

  it('one second before expiry + grace it is not expired yet; the follow-up runs at the deadline', async () => {
    const { deps, store, zalopay, scheduler, clock } = world();
    store.put(anOrder());
    clock.advance(-1);
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({ status: 'PENDING' });
    expect(scheduler.scheduled).toEqual([{ appTransId: ID, attempt: 2, at: at(1200) }]);
  });

  it('an order ZaloPay is still processing is not expired, whatever the time', async () => {
    const { deps, store, zalopay, scheduler, clock } = world();
    store.put(anOrder());
    clock.advance(HOUR);
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3, isProcessing: true }));

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({ status: 'PENDING' });
    expect(scheduler.scheduled).toEqual([{ appTransId: ID, attempt: 2, at: at(1200 + HOUR + 60) }]);
  });

  it('no answer from ZaloPay is recorded as no change, and the follow-up is scheduled', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(longLived());
    zalopay.script('queryOrder', new ZaloPayUnavailableError('query', 'timeout', 'ZaloPay query timed out'));

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toMatchObject({ status: 'PENDING', nextCheck: { attempt: 2 } });
    expect(scheduler.scheduled).toEqual([{ appTransId: ID, attempt: 2, at: at(1260) }]);
    expect(store.peekHistory(ID)).toEqual([
      {
        at: at(1200).toISOString(),
        kind: 'QUERY',
        trigger: 'schedule',
        detail: { unavailable: 'ZaloPay query timed out' },
        outcome: 'NO_CHANGE',
      },
    ]);
    expect(world().metrics.counts.ZaloPayError).toBe(1);
  });

  it('a refusal of the request (rate limit) is recorded with its codes and fails nothing', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(longLived());
    zalopay.script('queryOrder', new ZaloPayRejectedError('query', 2, 'Thất bại', -429, 'Too many requests'));

    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({ status: 'PENDING' });
    expect(store.peekHistory(ID)).toMatchObject([
      {
        detail: { returnCode: 2, subReturnCode: -429, subReturnMessage: 'Too many requests' },
        outcome: 'NO_CHANGE',
      },
    ]);
    expect(scheduler.scheduled).toHaveLength(1);
  });

  it('a stale delivery of an attempt already superseded does nothing at all', async () => {
    const { deps, store } = world();
    store.put(anOrder({ version: 4, nextCheck: { attempt: 3, at: at(1500).toISOString() } }));

    const order = await checkStatus(deps, ID, { kind: 'schedule', attempt: 2 });

    expect(order).toEqual(store.peek(ID));
    expect(writesTo(store)).toEqual([]);
  });

  it.each<OrderStatus>(['PAID', 'FAILED', 'EXPIRED', 'REVIEW'])(
    'a %s order is not queried and not written',
    async (status) => {
      const { deps, store } = world();
      store.put(settled(status));

      expect(await checkStatus(deps, ID, SCHEDULED)).toEqual(settled(status));
      expect(store.calls.map((c) => c.operation)).toEqual(['get']);
    },
  );

  it('a check of an order we do not have answers undefined without asking ZaloPay', async () => {
    const { deps } = world();

    expect(await checkStatus(deps, ID, SCHEDULED)).toBeUndefined();
  });

  it('a follow-up that would fall past 47 h sends the order to REVIEW as UNRESOLVED', async () => {
    const { deps, store, zalopay, scheduler, clock, log } = world();
    store.put(anOrder({ nextCheck: { attempt: 40, at: at(46.5 * HOUR).toISOString() } }));
    clock.advance(46.5 * HOUR - 1200);
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3, isProcessing: true }));

    const order = await checkStatus(deps, ID, { kind: 'schedule', attempt: 40 });

    expect(order).toMatchObject({ status: 'REVIEW', review: { reason: 'UNRESOLVED' } });
    expect(order?.nextCheck).toBeUndefined();
    expect(store.peek(ID)).toEqual(order);
    expect(scheduler.requests).toEqual([]);
    expect(world().metrics.counts.OrderReview).toBe(1);
    expect(log.lines.map((l) => l.level)).toContain('error');
  });

  it('a follow-up falling exactly 47 h after creation is still scheduled', async () => {
    const { deps, store, zalopay, scheduler, clock } = world();
    store.put(anOrder({ nextCheck: { attempt: 40, at: at(46 * HOUR).toISOString() } }));
    clock.advance(46 * HOUR - 1200);
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3, isProcessing: true }));

    await checkStatus(deps, ID, { kind: 'schedule', attempt: 40 });

    expect(scheduler.scheduled).toEqual([{ appTransId: ID, attempt: 41, at: at(47 * HOUR) }]);
  });

  it('an on-demand check queries and applies, but arranges no follow-up', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(longLived());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    const order = await checkStatus(deps, ID, { kind: 'merchant' });

    expect(order).toEqual(longLived());
    expect(writesTo(store)).toEqual(['appendHistory']);
    expect(store.peekHistory(ID)).toMatchObject([{ trigger: 'merchant', outcome: 'NO_CHANGE' }]);
    expect(scheduler.requests).toEqual([]);
  });

  it('a check that loses the race to a callback records the answer as a duplicate and schedules nothing', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(anOrder());
    const { nextCheck: _none, ...byCallback } = anOrder({
      status: 'PAID',
      version: 3,
      settledBy: 'callback',
      paidAmount: 50_000,
    });
    store.beforeNext('replace', () => store.put(byCallback));
    zalopay.script('queryOrder', queryAnswer({ returnCode: 1, amount: 50_000 }));

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toEqual(byCallback);
    expect(store.peek(ID)).toEqual(byCallback);
    expect(store.peekHistory(ID)).toMatchObject([{ kind: 'QUERY', outcome: 'DUPLICATE', to: 'PAID' }]);
    expect(scheduler.requests).toEqual([]);
  });

  it('of two deliveries of one attempt, only the first to record the next check schedules it', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(longLived());
    const other = longLived({ version: 3, nextCheck: { attempt: 2, at: at(1260).toISOString() } });
    store.beforeNext('replace', () => store.put(other));
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toEqual(other);
    expect(store.peek(ID)).toEqual(other);
    expect(scheduler.requests).toEqual([]);
  });

  it('a schedule that cannot be created is counted and logged; the recorded next check is left to the sweeper', async () => {
    const { deps, store, zalopay, scheduler, log, metrics } = world();
    store.put(longLived());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));
    scheduler.failNext(new Error('ThrottlingException'));

    const order = await checkStatus(deps, ID, SCHEDULED);

    expect(order).toMatchObject({ status: 'PENDING', nextCheck: { attempt: 2, at: at(1260).toISOString() } });
    expect((await store.listDueChecks(at(1260).toISOString(), 10)).checks).toEqual([
      { appTransId: ID, attempt: 2, at: at(1260).toISOString() },
    ]);
    expect(metrics.counts).toMatchObject({ StatusCheckScheduleFailed: 1 });
    expect(metrics.counts.StatusCheckScheduled).toBeUndefined();
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'could not schedule the next status check' }),
    );
    // A retry of the same delivery is stale.
    expect(await checkStatus(deps, ID, SCHEDULED)).toMatchObject({ nextCheck: { attempt: 2 } });
  });
});

describe('sweepOverdueChecks', () => {
  const NOW = at(2 * HOUR);
  const world = useInMemoryWorld(NOW);
  const SWEEP = sweepOptions(10_000);
  /** An unsettled order whose check `attempt` was due `overdue` seconds before now. */
  const dueOrder = (appTransId: string, overdue: number, attempt = 1) =>
    longLived({
      appTransId,
      nextCheck: { attempt, at: new Date(NOW.getTime() - overdue * 1000).toISOString() },
    });
  const processing = queryAnswer({ returnCode: 3, isProcessing: true });

  it('runs the checks overdue by the grace or more, with their recorded attempt, and only those', async () => {
    const { deps, store, zalopay, metrics } = world();
    store.put(dueOrder('261128_overdue', 600, 3));
    store.put(dueOrder('261128_justOverdue', 120));
    store.put(dueOrder('261128_onTime', 119));
    store.put(dueOrder('261128_future', -60));
    zalopay.always('queryOrder', processing);

    const result = await sweepOverdueChecks(deps, SWEEP);

    expect(result).toEqual({ checked: 2, failed: 0, stoppedForTime: false });
    expect(zalopay.requestsOf('queryOrder')).toEqual(['261128_overdue', '261128_justOverdue']);
    expect(store.peekHistory('261128_overdue')).toMatchObject([{ trigger: 'sweeper' }]);
    expect(store.peek('261128_overdue')?.nextCheck?.attempt).toBe(4);
    expect(store.peek('261128_onTime')?.nextCheck?.attempt).toBe(1);
    expect(metrics.counts.SweptOrders).toBe(2);
  });

  it('works through every overdue check, page after page, oldest first', async () => {
    const { deps, store, zalopay } = world();
    const overdue = [300, 900, 200, 600, 1200, 450, 150];
    for (const [n, seconds] of overdue.entries()) store.put(dueOrder(`261128_order${n}`, seconds));
    zalopay.always('queryOrder', processing);

    const result = await sweepOverdueChecks(deps, { ...SWEEP, pageSize: 2, concurrency: 1 });

    expect(result).toEqual({ checked: 7, failed: 0, stoppedForTime: false });
    const oldestFirst = overdue
      .map((seconds, n) => [seconds, `261128_order${n}`] as const)
      .sort(([a], [b]) => b - a)
      .map(([, id]) => id);
    expect(zalopay.requestsOf('queryOrder')).toEqual(oldestFirst);
    expect(store.calls.filter((c) => c.operation === 'listDueChecks')).toHaveLength(4);
  });

  it.each([1, 2, 4])('runs at most %i checks at a time, and that many when it can', async (concurrency) => {
    const { deps, store, zalopay } = world();
    for (let n = 0; n < 6; n++) store.put(dueOrder(`261128_order${n}`, 300 + n));
    let running = 0;
    let most = 0;
    zalopay.always('queryOrder', async () => {
      running++;
      most = Math.max(most, running);
      // Let every other worker reach ZaloPay if it is going to: microtasks only, no timers.
      for (let tick = 0; tick < 50; tick++) await undefined;
      running--;
      return processing;
    });

    expect(await sweepOverdueChecks(deps, { ...SWEEP, pageSize: 4, concurrency })).toMatchObject({
      checked: 6,
    });

    expect(most).toBe(concurrency);
    expect(zalopay.requestsOf('queryOrder')).toHaveLength(6);
  });

  it('a check that fails is logged and skipped once; the others still run and the sweep ends', async () => {
    const { deps, store, zalopay, log } = world();
    for (const id of ['261128_first', '261128_broken', '261128_last']) store.put(dueOrder(id, 300));
    zalopay.always('queryOrder', (id) => {
      if (id === '261128_broken') throw new TypeError('a bug');
      return queryAnswer({ returnCode: 1, amount: 50_000 });
    });

    // One entry per page: the broken order, still due, is where the next page would start again
    // if reading did not go on past it.
    const result = await sweepOverdueChecks(deps, { ...SWEEP, pageSize: 1, concurrency: 1 });

    expect(result).toEqual({ checked: 3, failed: 1, stoppedForTime: false });
    expect(zalopay.requestsOf('queryOrder')).toEqual(['261128_broken', '261128_first', '261128_last']);
    expect(store.peek('261128_first')?.status).toBe('PAID');
    expect(store.peek('261128_last')?.status).toBe('PAID');
    expect(store.peek('261128_broken')?.status).toBe('PENDING');
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        message: 'sweeper check failed',
        extra: expect.objectContaining({ appTransId: '261128_broken' }),
      }),
    );
  });

  it('starts no check once the time left falls to the reserve; the next sweep carries on', async () => {
    const { deps, store, zalopay } = world();
    for (let n = 0; n < 5; n++) store.put(dueOrder(`261128_order${n}`, 600 - n));
    let remaining = 50_000;
    zalopay.always('queryOrder', () => {
      // Each check takes 20 s of the budget; the reserve is ZaloPay's timeout plus 5 s.
      remaining -= 20_000;
      return processing;
    });

    const first = await sweepOverdueChecks(deps, { ...SWEEP, concurrency: 1 }, () => remaining);

    expect(first).toEqual({ checked: 2, failed: 0, stoppedForTime: true });
    remaining = 50_000;
    const second = await sweepOverdueChecks(deps, { ...SWEEP, concurrency: 1 }, () => remaining);
    expect(second).toEqual({ checked: 2, failed: 0, stoppedForTime: true });
    expect(zalopay.requestsOf('queryOrder')).toEqual([0, 1, 2, 3].map((n) => `261128_order${n}`));
  });

  it('with no time left reads nothing', async () => {
    const { deps, store } = world();
    store.put(dueOrder('261128_overdue', 600));

    expect(await sweepOverdueChecks(deps, SWEEP, () => SWEEP.reserveMs)).toEqual({
      checked: 0,
      failed: 0,
      stoppedForTime: true,
    });
    expect(store.calls).toEqual([]);
  });

  it('fails when the overdue checks cannot be read, after finishing the checks it started', async () => {
    const { deps, store, zalopay } = world();
    for (let n = 0; n < 3; n++) store.put(dueOrder(`261128_order${n}`, 600 - n));
    zalopay.always('queryOrder', processing);
    const outage = new Error('ProvisionedThroughputExceededException');
    let reads = 0;
    store.beforeNext(
      'listDueChecks',
      () => (++reads === 2 ? store.failNext('listDueChecks', outage) : undefined),
      2,
    );

    await expect(sweepOverdueChecks(deps, { ...SWEEP, pageSize: 2, concurrency: 2 })).rejects.toBe(outage);

    expect(zalopay.requestsOf('queryOrder')).toEqual(['261128_order0', '261128_order1']);
    expect(store.peek('261128_order1')?.nextCheck?.attempt).toBe(2);
  });
});
