import { RecordingEventSink } from '../../../shared/adapters/memory/events';
import { channelOf } from '../../../shared/core/events';
import { http, useLocalApp } from '../../support/app';
import { PushClient } from '../../support/push';
import { waitFor } from '../../support/wait';
import { signedCallback } from '../../support/zalopay';

/**
 * Order events through the whole local runtime (docs/events.md): every write of the stores goes
 * through the change feed's stand-in to the very order-events handler of AWS, then to its
 * consumers; a recorder sits beside the buyer push.
 */
const recorder = new RecordingEventSink();
const app = useLocalApp(
  // No scheduled check: these tests decide when checks run.
  { STATUS_CHECK_DELAY_SECONDS: '3600' },
  { wrapEventSinks: (sinks) => [...sinks, recorder], events: { streamRetryDelayMs: 5 } },
);
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };

const eventsOf = async (appTransId: string) => {
  await app().events.idle();
  return recorder.of(appTransId);
};

describe('order events in the local runtime (docs/events.md)', () => {
  it('a paid order makes two events, pending then paid, each carrying the order as GET shows it', async () => {
    const { appTransId } = await api.createOrder();
    await app().emulator.pay(appTransId);

    const events = await eventsOf(appTransId);
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${appTransId}.2`, 'order.pending'],
      [`${appTransId}.3`, 'order.paid'],
    ]);
    expect(events[1]?.data.order).toEqual((await api.get(`/orders/${appTransId}`)).body);
    expect(events[1]?.createdAt).toBe(events[1]?.data.order.updatedAt);
  });

  it('a check that finds nothing new moves the version, not the status: no event', async () => {
    const { appTransId } = await api.createOrder();
    await app().events.idle();
    const before = await app().store.get(appTransId);
    await app().checkStatus({ appTransId, attempt: 1 });
    expect((await app().store.get(appTransId))?.version).toBeGreaterThan(before!.version);
    expect((await eventsOf(appTransId)).map((e) => e.type)).toEqual(['order.pending']);
  });

  it('a refused order, and an orphan payment stored straight in REVIEW, make theirs', async () => {
    app().emulator.injectFault('create', { type: 'code', returnCode: 2, subReturnCode: -2 });
    const refused = await api.post('/orders', { amount: 50_000 });
    expect(refused.status).toBe(502);
    const failedId = refused.body.error.appTransId as string;
    expect((await eventsOf(failedId)).map((e) => e.type)).toEqual(['order.failed']);

    const orphan = '261128_OrphanEventWeNeverMade000';
    expect(
      (await api.post('/zalopay/callback', signedCallback({ appTransId: orphan, amount: 77_000 }))).body,
    ).toMatchObject({
      return_code: 1,
    });
    expect((await eventsOf(orphan)).map((e) => [e.id, e.type])).toEqual([[`${orphan}.1`, 'order.review']]);
  });

  it('refunds go through the same feed: refund.failed, refund.succeeded, then order.refunded, each carrying its refund', async () => {
    const { appTransId } = await api.createOrder({ amount: 50_000 });
    await app().emulator.pay(appTransId);
    const refund = async (amount: number, key: string) => {
      const res = await api.post(
        `/orders/${appTransId}/refunds`,
        { amount },
        { ...MERCHANT, 'idempotency-key': key },
      );
      // 201 when ZaloPay answers final at once, 202 while it processes (followed until final).
      expect([201, 202]).toContain(res.status);
      const mRefundId = res.body.refund.mRefundId as string;
      await waitFor(
        async () =>
          ['SUCCEEDED', 'FAILED'].includes(
            (await api.get(`/orders/${appTransId}/refunds/${mRefundId}`, MERCHANT)).body.refund.status,
          ),
        { timeoutMs: 20_000, what: `refund ${mRefundId} final` },
      );
      return mRefundId;
    };
    app().emulator.planRefund({ type: 'fail', subReturnCode: -13 });
    const failed = await refund(10_000, 'r-failed');
    app().emulator.planRefund({ type: 'immediate' });
    const part = await refund(20_000, 'r-part');
    app().emulator.planRefund({ type: 'immediate' });
    const rest = await refund(30_000, 'r-rest');

    const events = await eventsOf(appTransId);
    expect(events.map((e) => [e.type, e.data.refund?.mRefundId, e.data.order.refundedAmount])).toEqual([
      ['order.pending', undefined, 0],
      ['order.paid', undefined, 0],
      ['refund.failed', failed, 0],
      ['refund.succeeded', part, 20_000],
      ['order.refunded', rest, 50_000],
    ]);
    expect(events.at(-1)?.data.refund).toEqual(
      (await api.get(`/orders/${appTransId}/refunds/${rest}`, MERCHANT)).body.refund,
    );
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('a consumer that fails gets the same event again until it takes it, and the next one waits', async () => {
    recorder.failNext(new Error('consumer down'), 3);
    // The pending event fails three times (retried after 5, 10, 20 ms); the payment comes meanwhile.
    const { appTransId } = await api.createOrder();
    await app().emulator.pay(appTransId);

    const events = await eventsOf(appTransId);
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [`${appTransId}.2`, 'order.pending'],
      [`${appTransId}.3`, 'order.paid'],
    ]);
    expect(recorder.attempted.filter((id) => id.startsWith(appTransId))).toEqual(
      [2, 2, 2, 2, 3].map((version) => `${appTransId}.${version}`),
    );
  });

  it('the buyer’s page, subscribed to its order’s channel, is pushed the payment', async () => {
    const { appTransId } = await api.createOrder();
    const host = new URL(app().url).host;
    const auth = { host, 'x-api-key': 'local-events-key' };
    const page = await PushClient.connect(app().events.realtimeUrl, auth);
    expect((await page.subscribe('order', channelOf(appTransId), auth)).type).toBe('subscribe_success');

    await app().emulator.pay(appTransId);

    await waitFor(() => page.events('order').length > 0, { what: 'the push' });
    expect(page.events('order')).toEqual([
      {
        id: `${appTransId}.3`,
        type: 'order.paid',
        appTransId,
        status: 'PAID',
        updatedAt: (await api.get(`/orders/${appTransId}`)).body.updatedAt,
      },
    ]);
    await page.close();
  });
});
