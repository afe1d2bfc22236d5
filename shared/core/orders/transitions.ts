import type { Cause, Failure, Order } from './model';
import { isUnsettled, needsChecks, withTransition } from './model';

/**
 * Everything that can happen to an order, as facts already verified by the caller. Every event
 * that can change the status carries its {@link Cause}, which becomes the change's record.
 */
export type OrderEvent =
  /** ZaloPay created the order (create answered 1). */
  | { type: 'CREATE_ACCEPTED'; orderUrl: string; zpTransToken: string; qrCode?: string; cause: Cause }
  /** ZaloPay refused to create it. */
  | { type: 'CREATE_REJECTED'; failure: Failure; cause: Cause }
  /** ZaloPay collected money for it: a verified callback, or a query answering 1. */
  | {
      type: 'PAID';
      via: 'callback' | 'query';
      amount: number;
      zpTransId?: string;
      paidAt: string;
      cause: Cause;
    }
  /** The status query answered 2: the order failed, or (sub code -54) expired. */
  | { type: 'QUERY_FAILED'; failure: Failure; cause: Cause }
  /** Still unpaid and nobody is paying, well past its expiry. */
  | { type: 'EXPIRED'; cause: Cause }
  /** No final answer before the 48 h query window closes: a person must look. */
  | { type: 'UNRESOLVED'; cause: Cause }
  /**
   * The merchant closes an unpaid order (ZaloPay v2 has no cancel): EXPIRED with `closedReason`
   * CANCELLED at once, its checks going on until ZaloPay confirms it was not paid.
   */
  | { type: 'CANCELLED'; cause: Cause }
  /** ZaloPay signed a callback for the order that we cannot read: a person must look. */
  | { type: 'CALLBACK_UNREADABLE'; cause: Cause }
  /** The next status check was arranged (bookkeeping: no status change, so no record). */
  | { type: 'CHECK_SCHEDULED'; next: { attempt: number; at: string } };

export type Decision =
  /** Write `order` (conditional on the current status and version). */
  | { kind: 'change'; order: Order }
  /** The event was already applied: a repeated callback, a query confirming a known payment. */
  | { kind: 'duplicate' }
  /** The event has no effect in this state (e.g. an expiry reaching an order that was paid). */
  | { kind: 'ignore' };

const IGNORE: Decision = { kind: 'ignore' };
const DUPLICATE: Decision = { kind: 'duplicate' };

/** A change of status (or review flag), before its version, time and record are added. */
type Patch = Partial<Order> & Pick<Order, 'status'>;

/**
 * The state machine of docs/state-machine.md, as a pure function: the current order, an event and the
 * time give the next order, or why nothing changes. PAID never goes back. Every change of status
 * carries its transition record (docs/state-machine.md §5), written by the same conditional write.
 */
export const decide = (order: Order, event: OrderEvent, now: Date): Decision => {
  const at = now.toISOString();
  /** A status change: new version, new updatedAt, its record, and no more checks once settled. */
  const move = (patch: Patch, cause: Cause): Decision => {
    const next: Order = { ...order, ...patch, version: order.version + 1, updatedAt: at };
    if (!needsChecks(next)) delete next.nextCheck;
    if (patch.review === undefined && 'review' in patch) delete next.review;
    next.transitions = withTransition(order.transitions, {
      at,
      from: order.status,
      to: next.status,
      ...(patch.review && { review: patch.review.reason }),
      trigger: cause.trigger,
      evidence: cause.evidence,
    });
    return { kind: 'change', order: next };
  };

  /** A cancelled order that ZaloPay has just confirmed unpaid: its checks end (bookkeeping). */
  const closeConfirmed = (): Decision => {
    const next: Order = { ...order, version: order.version + 1 };
    delete next.nextCheck;
    return { kind: 'change', order: next };
  };
  const awaitingClose = !isUnsettled(order.status) && needsChecks(order);

  switch (event.type) {
    case 'CREATE_ACCEPTED':
      if (order.status !== 'CREATING') return order.orderUrl === event.orderUrl ? DUPLICATE : IGNORE;
      return move(
        {
          status: 'PENDING',
          orderUrl: event.orderUrl,
          zpTransToken: event.zpTransToken,
          ...(event.qrCode ? { qrCode: event.qrCode } : {}),
        },
        event.cause,
      );

    case 'CREATE_REJECTED':
      return order.status === 'CREATING'
        ? move({ status: 'FAILED', failure: event.failure }, event.cause)
        : IGNORE;

    case 'PAID':
      return paid(order, event, (patch) => move(patch, event.cause));

    case 'QUERY_FAILED':
      if (awaitingClose) return closeConfirmed();
      if (!isUnsettled(order.status)) return IGNORE;
      return event.failure.subReturnCode === -54
        ? move({ status: 'EXPIRED' }, event.cause)
        : move({ status: 'FAILED', failure: event.failure }, event.cause);

    case 'EXPIRED':
      if (awaitingClose) return closeConfirmed();
      return isUnsettled(order.status) ? move({ status: 'EXPIRED' }, event.cause) : IGNORE;

    case 'CANCELLED':
      if (order.status === 'EXPIRED' && order.closedReason === 'CANCELLED') return DUPLICATE;
      // nextCheck stays: the checks go on until ZaloPay confirms the order was not paid.
      return isUnsettled(order.status)
        ? move({ status: 'EXPIRED', closedReason: 'CANCELLED' }, event.cause)
        : IGNORE;

    case 'UNRESOLVED':
      return needsChecks(order)
        ? move({ status: 'REVIEW', review: { reason: 'UNRESOLVED' } }, event.cause)
        : IGNORE;

    case 'CALLBACK_UNREADABLE':
      // Money may have been taken for an order that was open or that we had closed; on a paid,
      // refunded or reviewed order the signed but unreadable delivery is kept in the history only.
      return ['PAID', 'REFUNDED', 'REVIEW'].includes(order.status)
        ? DUPLICATE
        : move({ status: 'REVIEW', review: { reason: 'UNREADABLE_CALLBACK' } }, event.cause);

    case 'CHECK_SCHEDULED':
      if (!needsChecks(order)) return IGNORE;
      // Bookkeeping, not a change a client can see: the version moves, updatedAt does not.
      return { kind: 'change', order: { ...order, version: order.version + 1, nextCheck: event.next } };
  }
};

const paid = (
  order: Order,
  event: Extract<OrderEvent, { type: 'PAID' }>,
  move: (patch: Patch) => Decision,
): Decision => {
  const payment: Partial<Order> = {
    paidAmount: event.amount,
    paidAt: event.paidAt,
    settledBy: event.via,
    ...(event.zpTransId ? { zpTransId: event.zpTransId } : {}),
  };
  const amountDiffers = event.amount !== order.amount;
  switch (order.status) {
    case 'CREATING':
    case 'PENDING':
      return amountDiffers
        ? move({ status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' }, ...payment })
        : move({ status: 'PAID', ...payment });
    case 'FAILED':
    case 'EXPIRED':
      // We had closed the order, but the buyer's money was taken: keep it, and flag it.
      return amountDiffers
        ? move({ status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' }, ...payment })
        : move({ status: 'PAID', review: { reason: 'PAID_AFTER_CLOSE' }, ...payment });
    case 'REVIEW':
      // An order we gave up on resolves itself; any other review already holds this payment.
      if (order.review?.reason !== 'UNRESOLVED') return DUPLICATE;
      return amountDiffers
        ? move({ status: 'REVIEW', review: { reason: 'AMOUNT_MISMATCH' }, ...payment })
        : move({ status: 'PAID', review: undefined, ...payment });
    case 'PAID':
    case 'REFUNDED':
      return DUPLICATE;
  }
};
