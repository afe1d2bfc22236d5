import { RecordingEventSink } from '../../../shared/adapters/memory/events';
import { versionOf } from '../../../shared/core/events';
import { http, useLocalApp } from '../../support/app';
import { redirectQuery, signedCallback } from '../../support/zalopay';

/**
 * docs/events.md §1: every status change yields exactly one event id, even when the callback, the
 * redirect, the scheduled check and a merchant sync race on one order. Duplicates may be
 * delivered; ids never differ for one change; no change without its event, no event without one.
 */
const recorder = new RecordingEventSink();
const app = useLocalApp(
  // ZaloPay's emulator is given 10 s: four creates at once on a loaded machine took over 2 s.
  { STATUS_CHECK_DELAY_SECONDS: '3600', ZALOPAY_TIMEOUT_MS: '10000' },
  { wrapEventSinks: (sinks) => [...sinks, recorder], events: { streamRetryDelayMs: 5 } },
);
const api = http(() => app().url);

/** Pays an order on ZaloPay's side without a callback, then lets all four parties race to settle it. */
const raceOn = async (appTransId: string) => {
  await app().emulator.pay(appTransId, { callback: 'lost' });
  const zpTransId = Number(app().emulator.order(appTransId)!.zpTransId);
  await Promise.all([
    api.post('/zalopay/callback', signedCallback({ appTransId, amount: 50_000, zpTransId })),
    fetch(`${app().url}/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000 })}`, {
      redirect: 'manual',
    }),
    app().checkStatus({ appTransId, attempt: 1 }),
    api.post(`/orders/${appTransId}/sync`, undefined, { 'x-api-key': 'dev-merchant-key' }),
  ]);
};

describe('one event per status change, whoever wins the race', () => {
  it('in eight races, four at a time, the events are exactly the status changes of each order', async () => {
    // Some consumers fail now and then: redeliveries must not change an event's id.
    recorder.failNext(new Error('consumer hiccup'), 2);
    const orders: string[] = [];
    for (let round = 0; round < 2; round++) {
      const batch = await Promise.all(
        Array.from({ length: 4 }, async () => (await api.createOrder()).appTransId),
      );
      await Promise.all(batch.map(raceOn));
      orders.push(...batch);
    }
    await app().events.idle();

    for (const appTransId of orders) {
      const order = (await app().store.get(appTransId))!;
      const history = await app().store.history(appTransId);
      // The status changes: ZaloPay's acceptance at creation (CREATING → PENDING), then each change
      // the history records, whoever made it.
      const changes = ['PENDING', ...history.filter((e) => e.outcome === 'CHANGED').map((e) => e.to)];
      expect(changes).toEqual(['PENDING', 'PAID']);

      const delivered = recorder.of(appTransId);
      const byId = new Map(delivered.map((e) => [e.id, e]));
      // Duplicates carry the same event: one id, one content.
      for (const event of delivered) expect(event).toEqual(byId.get(event.id));
      const distinct = [...byId.values()].sort((a, b) => versionOf(a.id) - versionOf(b.id));
      expect(distinct.map((e) => e.data.order.status)).toEqual(changes);
      expect(distinct.map((e) => e.type)).toEqual(changes.map((s) => `order.${s?.toLowerCase()}`));
      // The last event is the order as it is now: its version and its view.
      expect(versionOf(distinct.at(-1)!.id)).toBe(order.version);
      expect(distinct.at(-1)!.data.order).toEqual((await api.get(`/orders/${appTransId}`)).body);
    }
    expect(recorder.attempted.length).toBeGreaterThan(recorder.delivered.length);
  }, 60_000);
});
