import { type Cause, ORDER_STATUSES, type Order, type OrderStatus } from '../../../shared/core/orders/model';
import { decide, type OrderEvent } from '../../../shared/core/orders/transitions';
import { anOrder, at } from '../../support/orders';

const now = at(60);
const cause: Cause = { trigger: 'callback', evidence: { data: '{}', mac: 'm' } };
const paid = (amount = 50_000, via: 'callback' | 'query' = 'callback'): OrderEvent => ({
  type: 'PAID',
  via,
  amount,
  zpTransId: '261128000000001',
  paidAt: now.toISOString(),
  cause,
});

const changed = (order: Order, event: OrderEvent): Order => {
  const decision = decide(order, event, now);
  if (decision.kind !== 'change') throw new Error(`expected a change, got ${decision.kind}`);
  return decision.order;
};

describe('order state machine', () => {
  it('a create answered 1 makes a CREATING order PENDING with its order_url', () => {
    const next = changed(anOrder({ status: 'CREATING', version: 1, orderUrl: undefined }), {
      type: 'CREATE_ACCEPTED',
      orderUrl: 'https://x/openinapp?order=1',
      zpTransToken: 'tok',
      qrCode: '000201',
      cause,
    });
    expect(next).toMatchObject({
      status: 'PENDING',
      version: 2,
      orderUrl: 'https://x/openinapp?order=1',
      qrCode: '000201',
    });
    expect(next.updatedAt).toBe(now.toISOString());
    expect(next.nextCheck).toBeDefined();
  });

  it('a refused create makes the order FAILED with ZaloPay codes and no further checks', () => {
    const next = changed(anOrder({ status: 'CREATING' }), {
      type: 'CREATE_REJECTED',
      failure: { returnCode: 2, subReturnCode: -68, subReturnMessage: 'dup' },
      cause,
    });
    expect(next.status).toBe('FAILED');
    expect(next.failure).toEqual({ returnCode: 2, subReturnCode: -68, subReturnMessage: 'dup' });
    expect(next.nextCheck).toBeUndefined();
  });

  it.each<OrderStatus>(['CREATING', 'PENDING'])('a payment of the right amount makes %s PAID', (status) => {
    const next = changed(anOrder({ status }), paid());
    expect(next).toMatchObject({
      status: 'PAID',
      zpTransId: '261128000000001',
      paidAmount: 50_000,
      settledBy: 'callback',
      version: 3,
    });
    expect(next.nextCheck).toBeUndefined();
    expect(next.review).toBeUndefined();
  });

  it('a payment of another amount sends the order to REVIEW, never PAID', () => {
    const next = changed(anOrder(), paid(49_999));
    expect(next).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'AMOUNT_MISMATCH' },
      paidAmount: 49_999,
    });
  });

  it.each<OrderStatus>(['FAILED', 'EXPIRED'])(
    'money taken after %s keeps the payment and flags it',
    (status) => {
      const next = changed(anOrder({ status, nextCheck: undefined }), paid(50_000, 'query'));
      expect(next).toMatchObject({
        status: 'PAID',
        review: { reason: 'PAID_AFTER_CLOSE' },
        settledBy: 'query',
      });
    },
  );

  it('an order given up as UNRESOLVED becomes PAID when the payment shows up', () => {
    const next = changed(anOrder({ status: 'REVIEW', review: { reason: 'UNRESOLVED' } }), paid());
    expect(next.status).toBe('PAID');
    expect(next.review).toBeUndefined();
  });

  it.each<[OrderStatus, Order['review']]>([
    ['PAID', undefined],
    ['REFUNDED', undefined],
    ['REVIEW', { reason: 'AMOUNT_MISMATCH' }],
    ['REVIEW', { reason: 'ORPHAN_PAYMENT' }],
  ])('a payment reaching %s is a duplicate', (status, review) => {
    expect(decide(anOrder({ status, review }), paid(), now)).toEqual({ kind: 'duplicate' });
  });

  it('PAID never goes back, whatever happens next', () => {
    const order = anOrder({ status: 'PAID', nextCheck: undefined });
    const events: OrderEvent[] = [
      { type: 'CREATE_REJECTED', failure: { returnCode: 2 }, cause },
      { type: 'QUERY_FAILED', failure: { returnCode: 2, subReturnCode: -54 }, cause },
      { type: 'QUERY_FAILED', failure: { returnCode: 2, subReturnCode: -101 }, cause },
      { type: 'EXPIRED', cause },
      { type: 'UNRESOLVED', cause },
      { type: 'CHECK_SCHEDULED', next: { attempt: 2, at: now.toISOString() } },
      { type: 'CREATE_ACCEPTED', orderUrl: 'other', zpTransToken: 't', cause },
    ];
    for (const event of events) expect(decide(order, event, now).kind).not.toBe('change');
  });

  it('a query answering 2 with -54 expires the order; any other 2 fails it', () => {
    expect(
      changed(anOrder(), { type: 'QUERY_FAILED', failure: { returnCode: 2, subReturnCode: -54 }, cause })
        .status,
    ).toBe('EXPIRED');
    for (const sub of [-101, -92, -217, undefined]) {
      const next = changed(anOrder(), {
        type: 'QUERY_FAILED',
        failure: { returnCode: 2, subReturnCode: sub },
        cause,
      });
      expect(next.status).toBe('FAILED');
      expect(next.failure?.subReturnCode).toBe(sub);
    }
  });

  it('EXPIRED and UNRESOLVED apply only while unsettled', () => {
    expect(changed(anOrder(), { type: 'EXPIRED', cause }).status).toBe('EXPIRED');
    expect(changed(anOrder({ status: 'CREATING' }), { type: 'UNRESOLVED', cause })).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'UNRESOLVED' },
    });
    for (const status of ORDER_STATUSES.filter((s) => s !== 'CREATING' && s !== 'PENDING')) {
      expect(decide(anOrder({ status }), { type: 'EXPIRED', cause }, now)).toEqual({ kind: 'ignore' });
      expect(decide(anOrder({ status }), { type: 'UNRESOLVED', cause }, now)).toEqual({ kind: 'ignore' });
    }
  });

  it('scheduling a check moves the version but not updatedAt: a client sees no change', () => {
    const order = anOrder();
    const next = changed(order, {
      type: 'CHECK_SCHEDULED',
      next: { attempt: 2, at: at(1260).toISOString() },
    });
    expect(next.version).toBe(order.version + 1);
    expect(next.updatedAt).toBe(order.updatedAt);
    expect(next.status).toBe('PENDING');
    expect(next.nextCheck).toEqual({ attempt: 2, at: at(1260).toISOString() });
  });

  it('a repeated create answer is a duplicate, another one is ignored', () => {
    const order = anOrder();
    expect(
      decide(order, { type: 'CREATE_ACCEPTED', orderUrl: order.orderUrl!, zpTransToken: 'x', cause }, now)
        .kind,
    ).toBe('duplicate');
    expect(
      decide(order, { type: 'CREATE_ACCEPTED', orderUrl: 'other', zpTransToken: 'x', cause }, now).kind,
    ).toBe('ignore');
  });

  describe('cancel (docs/state-machine.md §7)', () => {
    const cancel: OrderEvent = { type: 'CANCELLED', cause: { trigger: 'merchant', evidence: {} } };
    const cancelled = () => changed(anOrder(), cancel);

    it('closes an open order as EXPIRED/CANCELLED with its record, keeping its next check', () => {
      const order = anOrder();
      const next = cancelled();
      expect(next).toMatchObject({
        status: 'EXPIRED',
        closedReason: 'CANCELLED',
        nextCheck: order.nextCheck,
      });
      expect(next.transitions?.at(-1)).toMatchObject({ from: 'PENDING', to: 'EXPIRED', trigger: 'merchant' });
    });

    it('again is a duplicate; a settled order is not cancelled', () => {
      expect(decide(cancelled(), cancel, now).kind).toBe('duplicate');
      for (const status of ['PAID', 'FAILED', 'EXPIRED', 'REVIEW', 'REFUNDED'] as const) {
        expect(decide(anOrder({ status }), cancel, now).kind).toBe('ignore');
      }
    });

    it('a payment that still arrives is kept: PAID, flagged PAID_AFTER_CLOSE, checks ended', () => {
      const next = changed(cancelled(), paid());
      expect(next).toMatchObject({
        status: 'PAID',
        review: { reason: 'PAID_AFTER_CLOSE' },
        paidAmount: 50_000,
      });
      expect(next.nextCheck).toBeUndefined();
    });

    it.each<[string, OrderEvent]>([
      [
        'a query answering 2',
        { type: 'QUERY_FAILED', failure: { returnCode: 2, subReturnCode: -54 }, cause },
      ],
      ['unpaid past expiry and grace', { type: 'EXPIRED', cause }],
    ])('%s confirms it: the checks end, the status stays', (_case, event) => {
      const before = cancelled();
      const next = changed(before, event);
      expect(next).toMatchObject({
        status: 'EXPIRED',
        closedReason: 'CANCELLED',
        version: before.version + 1,
      });
      expect(next.nextCheck).toBeUndefined();
      expect(next.transitions).toBe(before.transitions);
      expect(next.updatedAt).toBe(before.updatedAt);
      // Confirmed: further answers change nothing, and no check is planned again.
      expect(decide(next, event, now).kind).toBe('ignore');
      expect(
        decide(next, { type: 'CHECK_SCHEDULED', next: { attempt: 5, at: now.toISOString() } }, now).kind,
      ).toBe('ignore');
    });

    it('follow-ups are planned while it waits for confirmation', () => {
      const next = changed(cancelled(), {
        type: 'CHECK_SCHEDULED',
        next: { attempt: 2, at: at(3000).toISOString() },
      });
      expect(next.nextCheck).toEqual({ attempt: 2, at: at(3000).toISOString() });
    });
  });

  it('never mutates the order it is given', () => {
    const order = anOrder();
    const copy = structuredClone(order);
    decide(order, paid(), now);
    expect(order).toEqual(copy);
  });
});
