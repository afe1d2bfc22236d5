import fc from 'fast-check';
import { eventEnvelopeSchema, eventOf } from '../../../shared/core/events';
import type { Order } from '../../../shared/core/orders/model';
import { type RefundUpdate, reserveRefund, settleRefund } from '../../../shared/core/orders/refunds';
import { toOrderView, toRefundView } from '../../../shared/core/orders/view';
import { anOrder, at } from '../../support/orders';

/**
 * Refund events (docs/events.md §2): a refund that becomes final is one event, in the same change
 * feed as status changes; a refund reserved or still processing is bookkeeping and makes none.
 */

const BASE = 'https://api.example';
const paid = anOrder({
  status: 'PAID',
  version: 3,
  paidAmount: 50_000,
  zpTransId: '261128000000001',
  paidAt: at(60).toISOString(),
  nextCheck: undefined,
});
const cause = { trigger: 'merchant' as const, evidence: {} };
const mRefundId = (n: number) => `261128_2553_r${n}`;

const reserve = (order: Order, n: number, amount: number): Order => {
  const r = reserveRefund(
    order,
    {
      mRefundId: mRefundId(n),
      amount,
      description: 'Hoàn tiền',
      keyHash: `k${n}`,
      checkAt: at(200).toISOString(),
    },
    at(100 + n),
  );
  if (r.kind !== 'reserved') throw new Error(`not reserved: ${r.kind}`);
  return r.order;
};
const settle = (order: Order, n: number, update: RefundUpdate): Order => {
  const d = settleRefund(order, mRefundId(n), update, at(150 + n), cause);
  if (d.kind !== 'change') throw new Error(`not changed: ${d.kind}`);
  return d.order;
};
const failure = { returnCode: 2, subReturnCode: -14, subReturnMessage: 'vượt quá số tiền' };

describe('refund events (docs/events.md §2)', () => {
  it('reserving a refund and hearing it is processing make none: the order did not change for a client', () => {
    const reserved = reserve(paid, 1, 20_000);
    expect(eventOf(paid, reserved, BASE)).toBe(undefined);
    const processing = settle(reserved, 1, {
      status: 'PROCESSING',
      nextCheck: { attempt: 1, at: at(300).toISOString() },
    });
    expect(eventOf(reserved, processing, BASE)).toBe(undefined);
  });

  it('a partial refund that succeeds is refund.succeeded, carrying the order (refundedAmount) and the refund', () => {
    const reserved = reserve(paid, 1, 20_000);
    const done = settle(reserved, 1, { status: 'SUCCEEDED', refundId: '9001' });
    const event = eventOf(reserved, done, BASE);
    expect(event).toEqual({
      id: `${paid.appTransId}.${done.version}`,
      type: 'refund.succeeded',
      createdAt: done.updatedAt,
      data: { order: toOrderView(done, BASE), refund: toRefundView(done.refunds![0]!) },
    });
    expect(event?.data.order).toMatchObject({ status: 'PAID', refundedAmount: 20_000 });
    expect(eventEnvelopeSchema().parse(event)).toEqual(event);
  });

  it('a refund that fails is refund.failed, with ZaloPay’s codes and whether to try again', () => {
    const reserved = reserve(paid, 1, 20_000);
    const failed = settle(reserved, 1, { status: 'FAILED', result: failure });
    const event = eventOf(reserved, failed, BASE);
    expect(event?.type).toBe('refund.failed');
    expect(event?.data.refund).toMatchObject({
      status: 'FAILED',
      failure: { returnCode: 2, subReturnCode: -14 },
    });
    expect(event?.data.order.refundedAmount).toBe(0);
  });

  it('the success that refunds the whole amount is one order.refunded, carrying that refund', () => {
    const first = settle(reserve(paid, 1, 20_000), 1, { status: 'SUCCEEDED' });
    const reserved = reserve(first, 2, 30_000);
    const whole = settle(reserved, 2, { status: 'SUCCEEDED' });
    const event = eventOf(reserved, whole, BASE);
    expect(event).toMatchObject({
      id: `${paid.appTransId}.${whole.version}`,
      type: 'order.refunded',
      data: { order: { status: 'REFUNDED', refundedAmount: 50_000 }, refund: { mRefundId: mRefundId(2) } },
    });
  });

  it('a status change without a refund carries none', () => {
    expect(eventOf(anOrder({ status: 'PENDING' }), paid, BASE)?.data).toEqual({
      order: toOrderView(paid, BASE),
    });
  });

  it('over any run of refunds: one event per refund that became final, none for the rest, ids unique', () => {
    type Step =
      | { kind: 'reserve'; amount: number }
      | { kind: 'settle'; pick: number; to: RefundUpdate['status'] };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), amount: fc.integer({ min: 1, max: 30_000 }) }),
      fc.record({
        kind: fc.constant('settle' as const),
        pick: fc.nat(),
        to: fc.constantFrom('PROCESSING', 'SUCCEEDED', 'FAILED') as fc.Arbitrary<RefundUpdate['status']>,
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        let order = paid;
        let n = 0;
        const events = [];
        for (const s of steps) {
          let next: Order | undefined;
          if (s.kind === 'reserve') {
            const r = reserveRefund(
              order,
              {
                mRefundId: mRefundId(++n),
                amount: s.amount,
                description: 'Hoàn tiền',
                keyHash: `k${n}`,
                checkAt: at(200).toISOString(),
              },
              at(100),
            );
            if (r.kind === 'reserved') next = r.order;
          } else if (order.refunds?.length) {
            const target = order.refunds[s.pick % order.refunds.length]!;
            const d = settleRefund(
              order,
              target.mRefundId,
              s.to === 'FAILED' ? { status: 'FAILED', result: failure } : { status: s.to },
              at(150),
              cause,
            );
            if (d.kind === 'change') next = d.order;
          }
          if (!next) continue;
          const event = eventOf(order, next, BASE);
          if (event) events.push(eventEnvelopeSchema().parse(event));
          order = next;
        }
        const final = (order.refunds ?? []).filter((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED');
        expect(events.map((e) => e.data.refund?.mRefundId).sort()).toEqual(
          final.map((r) => r.mRefundId).sort(),
        );
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        expect(events.filter((e) => e.type === 'order.refunded').length).toBe(
          order.status === 'REFUNDED' ? 1 : 0,
        );
      }),
    );
  });
});
