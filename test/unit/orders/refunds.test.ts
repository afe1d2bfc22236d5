import fc from 'fast-check';
import type { Order, Refund } from '../../../shared/core/orders/model';
import { holdsAmount } from '../../../shared/core/orders/model';
import {
  type RefundUpdate,
  refundableAmount,
  reserveRefund,
  settleRefund,
} from '../../../shared/core/orders/refunds';
import { anOrder, at } from '../../support/orders';

/**
 * The refund ledger (docs/state-machine.md §6): what is held never exceeds what was paid, a final
 * refund never changes, `refundedAmount` is the sum of SUCCEEDED refunds, and the order becomes
 * REFUNDED when that reaches the amount paid.
 */

const paid = (overrides: Partial<Order> = {}): Order =>
  anOrder({
    status: 'PAID',
    version: 3,
    paidAmount: 50_000,
    zpTransId: '261128000000001',
    paidAt: at(60).toISOString(),
    nextCheck: undefined,
    ...overrides,
  });
const cause = { trigger: 'merchant' as const, evidence: {} };
const facts = (n: number, amount: number, keyHash = `key-${n}`) => ({
  mRefundId: `261128_2553_r${n}`,
  amount,
  description: 'Hoàn tiền',
  keyHash,
  checkAt: at(200).toISOString(),
});

const reserved = (order: Order, n: number, amount: number): Order => {
  const r = reserveRefund(order, facts(n, amount), at(100));
  if (r.kind !== 'reserved') throw new Error(`not reserved: ${JSON.stringify(r)}`);
  return r.order;
};
const settled = (order: Order, n: number, update: RefundUpdate): Order => {
  const d = settleRefund(order, `261128_2553_r${n}`, update, at(150), cause);
  if (d.kind !== 'change') throw new Error(`not changed: ${d.kind}`);
  return d.order;
};

describe('reserving a refund', () => {
  it('holds the amount in a RESERVED refund with a check time, one version later', () => {
    const order = paid();
    const result = reserveRefund(order, facts(1, 20_000), at(100));
    expect(result).toMatchObject({
      kind: 'reserved',
      refund: { mRefundId: '261128_2553_r1', amount: 20_000, status: 'RESERVED', nextCheck: { attempt: 0 } },
    });
    if (result.kind !== 'reserved') return;
    expect(result.order.version).toBe(order.version + 1);
    expect(refundableAmount(result.order)).toBe(30_000);
    expect(result.order.refundedAmount).toBe(0);
  });

  it('refuses more than is left, whatever the earlier refunds are doing', () => {
    const order = reserved(reserved(paid(), 1, 30_000), 2, 15_000);
    expect(reserveRefund(order, facts(3, 5_001), at(100))).toEqual({
      kind: 'refused',
      refusal: expect.objectContaining({ code: 'REFUND_EXCEEDS_REFUNDABLE', refundable: 5_000 }),
    });
    expect(reserveRefund(order, facts(3, 5_000), at(100)).kind).toBe('reserved');
  });

  it('a FAILED refund gives its amount back', () => {
    const order = settled(reserved(paid(), 1, 50_000), 1, { status: 'FAILED' });
    expect(refundableAmount(order)).toBe(50_000);
  });

  it.each<[string, Partial<Order>]>([
    ['pending', { status: 'PENDING', zpTransId: undefined, paidAmount: undefined }],
    ['expired', { status: 'EXPIRED', zpTransId: undefined, paidAmount: undefined }],
    ['in review for an unresolved outcome', { status: 'REVIEW', review: { reason: 'UNRESOLVED' } }],
    [
      'in review for a callback we could not read',
      { status: 'REVIEW', review: { reason: 'UNREADABLE_CALLBACK' } },
    ],
  ])('refuses an order %s', (_case, overrides) => {
    expect(reserveRefund(paid(overrides), facts(1, 1_000), at(100))).toMatchObject({
      kind: 'refused',
      refusal: { code: 'ORDER_NOT_REFUNDABLE' },
    });
  });

  it('takes the amount ZaloPay collected for an order in review for a mismatch', () => {
    const order = paid({ status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' }, paidAmount: 40_000 });
    expect(refundableAmount(order)).toBe(40_000);
    expect(reserveRefund(order, facts(1, 40_001), at(100)).kind).toBe('refused');
  });

  it('gives back an orphan payment (an order we never made): wholly refunded, it is REFUNDED and out of review', () => {
    const orphan = paid({
      status: 'REVIEW',
      review: { reason: 'ORPHAN_PAYMENT' },
      amount: 77_000,
      paidAmount: 77_000,
    });
    expect(refundableAmount(orphan)).toBe(77_000);
    const partly = settled(reserved(orphan, 1, 7_000), 1, { status: 'SUCCEEDED' });
    expect(partly).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'ORPHAN_PAYMENT' },
      refundedAmount: 7_000,
    });
    const whole = settled(reserved(partly, 2, 70_000), 2, { status: 'SUCCEEDED' });
    expect(whole).toMatchObject({ status: 'REFUNDED', refundedAmount: 77_000 });
    expect(whole).not.toHaveProperty('review');
  });

  it('the same Idempotency-Key answers its refund; with another amount it is a conflict', () => {
    const order = reserved(paid(), 1, 10_000);
    expect(reserveRefund(order, facts(9, 10_000, 'key-1'), at(100))).toMatchObject({
      kind: 'existing',
      refund: { mRefundId: '261128_2553_r1' },
    });
    expect(reserveRefund(order, facts(9, 10_001, 'key-1'), at(100))).toMatchObject({
      kind: 'refused',
      refusal: { code: 'IDEMPOTENCY_CONFLICT' },
    });
  });
});

describe('settling a refund', () => {
  it('partial refunds add up; the one that reaches the amount makes the order REFUNDED with its record', () => {
    let order = reserved(reserved(paid(), 1, 20_000), 2, 30_000);
    order = settled(order, 1, { status: 'SUCCEEDED', refundId: '1' });
    expect(order).toMatchObject({ status: 'PAID', refundedAmount: 20_000 });
    const before = order;
    order = settled(order, 2, { status: 'SUCCEEDED', refundId: '2' });
    expect(order).toMatchObject({ status: 'REFUNDED', refundedAmount: 50_000 });
    expect(order.transitions?.at(-1)).toEqual({
      at: at(150).toISOString(),
      from: 'PAID',
      to: 'REFUNDED',
      trigger: 'merchant',
      evidence: {},
    });
    expect(order.version).toBe(before.version + 1);
  });

  it('a full refund of a payment after close resolves its review', () => {
    const order = reserved(paid({ review: { reason: 'PAID_AFTER_CLOSE' } }), 1, 50_000);
    expect(settled(order, 1, { status: 'SUCCEEDED' })).not.toHaveProperty('review');
  });

  it('a final refund never changes again; an unknown one is said to be unknown', () => {
    const order = settled(reserved(paid(), 1, 20_000), 1, { status: 'FAILED' });
    expect(settleRefund(order, '261128_2553_r1', { status: 'SUCCEEDED' }, at(160), cause).kind).toBe(
      'unchanged',
    );
    expect(settleRefund(order, '261128_2553_zz', { status: 'SUCCEEDED' }, at(160), cause).kind).toBe(
      'unknown',
    );
  });

  it('PROCESSING keeps its next check; a final status drops it', () => {
    const next = { attempt: 1, at: at(300).toISOString() };
    let order = settled(reserved(paid(), 1, 20_000), 1, { status: 'PROCESSING', nextCheck: next });
    expect(order.refunds?.[0]?.nextCheck).toEqual(next);
    order = settled(order, 1, { status: 'SUCCEEDED' });
    expect(order.refunds?.[0]).not.toHaveProperty('nextCheck');
  });
});

describe('the ledger under random requests and answers', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('reserve' as const), amount: fc.integer({ min: 1, max: 30_000 }) }),
    fc.record({
      kind: fc.constant('settle' as const),
      pick: fc.nat(),
      status: fc.constantFrom('PROCESSING' as const, 'SUCCEEDED' as const, 'FAILED' as const),
    }),
  );

  it('never holds more than was paid; refundedAmount is the SUCCEEDED sum; REFUNDED exactly when it is all', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let order = paid();
        let n = 0;
        const finals = new Map<string, Refund['status']>();
        for (const s of steps) {
          if (s.kind === 'reserve') {
            const r = reserveRefund(order, facts(n++, s.amount), at(100));
            if (r.kind === 'reserved') order = r.order;
          } else {
            const refunds = order.refunds ?? [];
            const target = refunds[s.pick % Math.max(1, refunds.length)];
            if (!target) continue;
            const d = settleRefund(order, target.mRefundId, { status: s.status }, at(150), cause);
            if (d.kind === 'change') order = d.order;
          }
          const refunds = order.refunds ?? [];
          const held = refunds.filter(holdsAmount).reduce((sum, r) => sum + r.amount, 0);
          expect(held).toBeLessThanOrEqual(50_000);
          const succeeded = refunds
            .filter((r) => r.status === 'SUCCEEDED')
            .reduce((sum, r) => sum + r.amount, 0);
          expect(order.refundedAmount).toBe(succeeded);
          expect(order.status).toBe(succeeded === 50_000 ? 'REFUNDED' : 'PAID');
          for (const r of refunds) {
            const was = finals.get(r.mRefundId);
            if (was) expect(r.status).toBe(was);
            if (r.status === 'SUCCEEDED' || r.status === 'FAILED') finals.set(r.mRefundId, r.status);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
