import { http, useLocalApp } from '../../support/app';
import { manualClock } from '../../support/clock';

// Real design defaults (first check at 20 min, 15-min orders), with time moved by hand.
const clock = manualClock();
const app = useLocalApp(
  { STATUS_CHECK_DELAY_SECONDS: '1200', STATUS_RECHECK_SECONDS: '60', EXPIRY_GRACE_SECONDS: '300' },
  { clock },
);
const api = http(() => app().url);

const newOrder = api.createOrder;

/**
 * The time limit of the test that runs every check of the 48 h window (about 50, each a query to
 * the emulator and a few DynamoDB requests to dynalite): ~10 s inside Jest's VM context on an idle
 * 2-core machine, more under load. Not a performance limit.
 */
const WHOLE_QUERY_WINDOW_TIMEOUT_MS = 60_000;

describe('status checks on the design schedule', () => {
  it('the first check is 20 minutes after creation and expires a default order nobody paid', async () => {
    const order = await newOrder();
    expect(Date.parse(order.statusCheckAt) - Date.parse(order.createdAt)).toBe(1_200_000);
    expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBe(900_000);

    clock.advance(1200);
    await app().checkStatus({ appTransId: order.appTransId, attempt: 1 });

    expect((await api.get(`/orders/${order.appTransId}`)).body.status).toBe('EXPIRED');
    const history = await app().store.history(order.appTransId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: 'QUERY', outcome: 'CHANGED', to: 'EXPIRED' });
  });

  it('an unpaid long order gets follow-ups, then expires at its deadline', async () => {
    const order = await newOrder({ amount: 50_000, expireDurationSeconds: 3600 });
    clock.advance(1200);
    await app().checkStatus({ appTransId: order.appTransId, attempt: 1 });
    let stored = await app().store.get(order.appTransId);
    expect(stored).toMatchObject({ status: 'PENDING', nextCheck: { attempt: 2 } });
    expect(Date.parse(stored!.nextCheck!.at) - clock().getTime()).toBe(60_000);

    // A stale or repeated delivery of attempt 1 is a no-op.
    await app().checkStatus({ appTransId: order.appTransId, attempt: 1 });
    expect((await app().store.history(order.appTransId)).length).toBe(1);

    clock.advance(3600 + 300 - 1200);
    await app().checkStatus({ appTransId: order.appTransId, attempt: 2 });
    stored = await app().store.get(order.appTransId);
    expect(stored?.status).toBe('EXPIRED');
    expect(stored?.nextCheck).toBeUndefined();
  });

  it('a check that was never delivered is run by the sweeper once it is overdue', async () => {
    const order = await newOrder();
    clock.advance(1200 + 60);
    await app().sweep();
    // Not yet two minutes late: the schedule may still be on its way.
    expect((await app().store.get(order.appTransId))?.status).toBe('PENDING');

    clock.advance(61);
    await app().sweep();
    expect((await app().store.get(order.appTransId))?.status).toBe('EXPIRED');
    expect((await app().store.history(order.appTransId))[0]).toMatchObject({ trigger: 'sweeper' });
  });

  it(
    'an order still processing when the 48 h query window closes goes to REVIEW',
    async () => {
      const order = await newOrder({ amount: 50_000, expireDurationSeconds: 86_400 });
      app().emulator.startProcessing(order.appTransId);
      let attempt = 1;
      clock.advance(1200);
      for (;;) {
        await app().checkStatus({ appTransId: order.appTransId, attempt });
        const stored = (await app().store.get(order.appTransId))!;
        if (!stored.nextCheck) break;
        attempt = stored.nextCheck.attempt;
        clock.advance((Date.parse(stored.nextCheck.at) - clock().getTime()) / 1000);
      }
      const stored = await app().store.get(order.appTransId);
      expect(stored).toMatchObject({ status: 'REVIEW', review: { reason: 'UNRESOLVED' } });
      expect(clock().getTime() - Date.parse(order.createdAt)).toBeLessThanOrEqual(47 * 3600 * 1000);
      // 60 s doubling to the 1 h cap: about 50 checks in 47 h, not thousands.
      expect(attempt).toBeGreaterThan(40);
      expect(attempt).toBeLessThan(60);
      expect((await api.get(`/orders/${order.appTransId}`)).body.review).toEqual({ reason: 'UNRESOLVED' });
    },
    WHOLE_QUERY_WINDOW_TIMEOUT_MS,
  );

  it('a scheduled check that finds nothing new leaves the public order byte-identical', async () => {
    const order = await newOrder({ amount: 50_000, expireDurationSeconds: 3600 });
    const before = (await api.get(`/orders/${order.appTransId}`)).text;
    clock.advance(1200);
    await app().checkStatus({ appTransId: order.appTransId, attempt: 1 });
    expect((await app().store.get(order.appTransId))?.nextCheck?.attempt).toBe(2);
    expect((await api.get(`/orders/${order.appTransId}`)).text).toBe(before);
  });
});
