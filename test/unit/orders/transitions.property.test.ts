import fc from 'fast-check';
import {
  type Cause,
  MAX_TRANSITIONS,
  ORDER_STATUSES,
  type Order,
  type Trigger,
} from '../../../shared/core/orders/model';
import { decide, type OrderEvent } from '../../../shared/core/orders/transitions';
import { anOrder, at } from '../../support/orders';

/**
 * The state machine under random sequences of events (docs/state-machine.md §2 and §5): whatever
 * happens, PAID never goes back, each write has a higher version, and every change of status or
 * review carries its record.
 */

const trigger = fc.constantFrom<Trigger>('create', 'callback', 'schedule', 'sweeper', 'redirect', 'merchant');
const cause: fc.Arbitrary<Cause> = fc.record({
  trigger,
  evidence: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer())),
});
const failure = fc.record({
  returnCode: fc.constant(2),
  subReturnCode: fc.option(fc.constantFrom(-54, -101, -92, -217), { nil: undefined }),
});
const event: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.record({
    type: fc.constant('CREATE_ACCEPTED' as const),
    orderUrl: fc.constantFrom('https://zp/a', 'https://zp/b'),
    zpTransToken: fc.constant('tok'),
    cause,
  }),
  fc.record({ type: fc.constant('CREATE_REJECTED' as const), failure, cause }),
  fc.record({
    type: fc.constant('PAID' as const),
    via: fc.constantFrom('callback' as const, 'query' as const),
    // Mostly the order's amount, sometimes another.
    amount: fc.oneof({ weight: 3, arbitrary: fc.constant(50_000) }, fc.integer({ min: -1, max: 100_000 })),
    zpTransId: fc.constantFrom('261128000000001', '261128000000002'),
    paidAt: fc.constant(at(100).toISOString()),
    cause,
  }),
  fc.record({ type: fc.constant('QUERY_FAILED' as const), failure, cause }),
  fc.record({ type: fc.constant('EXPIRED' as const), cause }),
  fc.record({ type: fc.constant('UNRESOLVED' as const), cause }),
  fc.record({ type: fc.constant('CALLBACK_UNREADABLE' as const), cause }),
  fc.record({ type: fc.constant('CANCELLED' as const), cause }),
  fc.record({
    type: fc.constant('CHECK_SCHEDULED' as const),
    next: fc.record({ attempt: fc.integer({ min: 1, max: 50 }), at: fc.constant(at(2000).toISOString()) }),
  }),
);
const start = fc.constantFrom(...ORDER_STATUSES.filter((s) => s !== 'REFUNDED')).map((status) =>
  anOrder({
    status,
    ...(status === 'REVIEW' && { review: { reason: 'UNRESOLVED' as const } }),
    // Settled orders carry no next check (decide drops it when an order settles).
    ...(!['CREATING', 'PENDING'].includes(status) && { nextCheck: undefined }),
  }),
);

/** Every order an event sequence goes through, with the event that made each one. */
const run = (order: Order, events: OrderEvent[]) => {
  const steps: { before: Order; event: OrderEvent; after: Order; changed: boolean }[] = [];
  let current = order;
  events.forEach((e, i) => {
    const decision = decide(current, e, at(200 + i));
    const after = decision.kind === 'change' ? decision.order : current;
    steps.push({ before: current, event: e, after, changed: decision.kind === 'change' });
    current = after;
  });
  return steps;
};

describe('the state machine under random event sequences', () => {
  it('PAID never goes back', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 30 }), (order, events) => {
        let paid = order.status === 'PAID';
        for (const { after } of run(order, events)) {
          if (paid) expect(after.status).toBe('PAID');
          paid ||= after.status === 'PAID';
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a cancelled order is checked until confirmed, and a payment after it is kept and flagged', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('CREATING' as const, 'PENDING' as const),
        fc.array(event, { maxLength: 30 }),
        (status, events) => {
          const order = anOrder({ status });
          const cancelEvent: OrderEvent = { type: 'CANCELLED', cause: { trigger: 'merchant', evidence: {} } };
          for (const { before, event: e, after } of run(order, [cancelEvent, ...events])) {
            const wasCancelled = before.status === 'EXPIRED' && before.closedReason === 'CANCELLED';
            // Only a payment, a signed delivery we cannot read, or no answer for 47 h takes a
            // cancelled order elsewhere.
            if (wasCancelled && after.status !== 'EXPIRED') {
              expect(['PAID', 'CALLBACK_UNREADABLE', 'UNRESOLVED']).toContain(e.type);
              if (after.status === 'PAID') expect(after.review).toEqual({ reason: 'PAID_AFTER_CLOSE' });
              else expect(after.status).toBe('REVIEW');
            }
            // Checks go on exactly while it is unsettled or cancelled and not yet confirmed.
            if (after.nextCheck) {
              expect(
                ['CREATING', 'PENDING'].includes(after.status) ||
                  (after.status === 'EXPIRED' && after.closedReason === 'CANCELLED'),
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every write has a strictly higher version; decisions without a write keep the order as it is', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 30 }), (order, events) => {
        for (const { before, after, changed } of run(order, events)) {
          if (changed) expect(after.version).toBeGreaterThan(before.version);
          else expect(after).toBe(before);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every change of status or review carries its record, and only those add one', () => {
    fc.assert(
      fc.property(start, fc.array(event, { maxLength: 30 }), (order, events) => {
        for (const { before, event: e, after, changed } of run(order, events)) {
          const records = after.transitions ?? [];
          const moved = after.status !== before.status || after.review?.reason !== before.review?.reason;
          expect(records.length).toBeLessThanOrEqual(MAX_TRANSITIONS);
          // Bookkeeping: the next check, or the end of the checks of a cancelled order.
          if (
            !changed ||
            e.type === 'CHECK_SCHEDULED' ||
            (!moved && before.closedReason === 'CANCELLED' && ['QUERY_FAILED', 'EXPIRED'].includes(e.type))
          ) {
            expect(after.transitions).toBe(before.transitions);
            expect(after.status).toBe(before.status);
            continue;
          }
          expect(records.at(-1)).toEqual({
            at: after.updatedAt,
            from: before.status,
            to: after.status,
            ...(after.review &&
              after.review.reason !== before.review?.reason && { review: after.review.reason }),
            trigger: (e as { cause: Cause }).cause.trigger,
            evidence: (e as { cause: Cause }).cause.evidence,
          });
          expect(records.length).toBe(Math.min((before.transitions?.length ?? 0) + 1, MAX_TRANSITIONS));
          // A write that changes neither is a review flag set again or a payment recorded anew.
          if (!moved) expect(e.type).toBe('PAID');
        }
      }),
      { numRuns: 200 },
    );
  });
});
