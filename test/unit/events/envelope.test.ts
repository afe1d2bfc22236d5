import {
  appTransIdOfChannel,
  channelOf,
  eventId,
  eventOf,
  pushMessageOf,
  versionOf,
} from '../../../shared/core/events';
import { toOrderView } from '../../../shared/core/orders/view';
import { anOrder, at } from '../../support/orders';

const BASE = 'https://api.example';

describe('order events (docs/events.md §2)', () => {
  const pending = anOrder({ status: 'PENDING', version: 2 });
  const paid = anOrder({
    status: 'PAID',
    version: 3,
    updatedAt: at(30).toISOString(),
    zpTransId: '261128000000001',
  });

  it('a status change is one event: id <appTransId>.<version>, type, the time of the change, the public view', () => {
    expect(eventOf(pending, paid, BASE)).toEqual({
      id: `${paid.appTransId}.3`,
      type: 'order.paid',
      createdAt: at(30).toISOString(),
      data: { order: toOrderView(paid, BASE) },
    });
  });

  it('the same change always gives the same event, whenever it is read again', () => {
    expect(eventOf(pending, paid, BASE)).toEqual(
      eventOf(structuredClone(pending), structuredClone(paid), BASE),
    );
  });

  it('bookkeeping that moves only the version makes none, nor a new order still CREATING', () => {
    expect(
      eventOf(pending, { ...pending, version: 3, nextCheck: { attempt: 2, at: at(90).toISOString() } }, BASE),
    ).toBe(undefined);
    expect(eventOf(undefined, anOrder({ status: 'CREATING', version: 1 }), BASE)).toBe(undefined);
  });

  it('an order first written in a final status (an orphan payment) makes its event', () => {
    const orphan = anOrder({ status: 'REVIEW', version: 1, review: { reason: 'ORPHAN_PAYMENT' } });
    expect(eventOf(undefined, orphan, BASE)).toMatchObject({
      id: `${orphan.appTransId}.1`,
      type: 'order.review',
    });
  });

  it.each(['PENDING', 'PAID', 'FAILED', 'EXPIRED', 'REVIEW', 'REFUNDED'] as const)(
    '%s is order.%s in lower case',
    (status) => {
      expect(eventOf(anOrder({ status: 'CREATING' }), anOrder({ status }), BASE)?.type).toBe(
        `order.${status.toLowerCase()}`,
      );
    },
  );

  it('ids give back the version, so a receiver can put one order’s events in order', () => {
    expect(versionOf(eventId({ appTransId: '261128_a.b', version: 12 }))).toBe(12);
  });

  it('the push message carries no personal data: ids, status and time only', () => {
    const event = eventOf(pending, paid, BASE)!;
    expect(pushMessageOf(event)).toEqual({
      id: event.id,
      type: 'order.paid',
      appTransId: paid.appTransId,
      status: 'PAID',
      updatedAt: at(30).toISOString(),
    });
  });
});

describe('push channels (docs/events.md §5)', () => {
  it('map an order id to /orders/<id with dashes> and back', () => {
    expect(channelOf('261128_AbC_d9')).toBe('/orders/261128-AbC-d9');
    expect(appTransIdOfChannel('/orders/261128-AbC-d9')).toBe('261128_AbC_d9');
  });

  it.each([
    '/orders/*',
    '/orders',
    '/orders/a/b',
    '/other/261128-x',
    '/orders/a_b',
    `/orders/${'x'.repeat(41)}`,
  ])('name no order for %s', (channel) => {
    expect(appTransIdOfChannel(channel)).toBe(undefined);
  });
});
