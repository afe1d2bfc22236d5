import type { Cause, Failure, Order, Refund, RefundStatus } from './model';
import { holdsAmount, withTransition } from './model';

/**
 * The refund ledger inside the order (docs/state-machine.md §6), as pure functions: the current
 * order and a request or an answer give the next order, written by one conditional write on the
 * version like every other change. Invariant: the refunds that are not FAILED never hold more
 * than was paid.
 */

/** What was collected: ZaloPay's amount when it said one, else the order's. */
export const paidAmountOf = (order: Pick<Order, 'paidAmount' | 'amount'>): number =>
  order.paidAmount ?? order.amount;

/** What the ledger may still take: paid minus every refund that is not FAILED. */
export const refundableAmount = (order: Order): number => {
  if (!refundableState(order)) return 0;
  const held = (order.refunds ?? []).filter(holdsAmount).reduce((sum, r) => sum + r.amount, 0);
  return Math.max(0, paidAmountOf(order) - held);
};

/** Reviews where ZaloPay's payment is known and giving it back is one way to settle them. */
const REFUNDABLE_REVIEWS: ReadonlySet<string> = new Set(['AMOUNT_MISMATCH', 'ORPHAN_PAYMENT']);

/**
 * Money was collected and can be given back: PAID (paid after close included), REFUNDED while
 * something is left, or REVIEW for an amount mismatch or an orphan payment (a payment for an
 * order we never made: returning it is the usual way to settle it). Refunding the whole of it
 * makes the order REFUNDED and ends the review.
 */
const refundableState = (order: Order): boolean =>
  order.zpTransId !== undefined &&
  (order.status === 'PAID' ||
    order.status === 'REFUNDED' ||
    (order.status === 'REVIEW' && REFUNDABLE_REVIEWS.has(order.review?.reason ?? '')));

/** Why a refund request cannot be taken. */
export type RefundRefusal =
  | { code: 'ORDER_NOT_REFUNDABLE'; message: string }
  | { code: 'REFUND_EXCEEDS_REFUNDABLE'; message: string; refundable: number }
  | { code: 'IDEMPOTENCY_CONFLICT'; message: string };

/** A new refund as the merchant asked for it. */
export interface RefundRequestFacts {
  mRefundId: string;
  amount: number;
  /** Already NFC-normalised. */
  description: string;
  keyHash: string;
  /** When an unanswered reservation is looked at by the sweeper (a crash between two writes). */
  checkAt: string;
}

export type Reservation =
  | { kind: 'reserved'; order: Order; refund: Refund }
  /** The same Idempotency-Key already made this refund: answer with it, refund nothing. */
  | { kind: 'existing'; refund: Refund }
  | { kind: 'refused'; refusal: RefundRefusal };

/**
 * Reserves `request.amount` in the ledger, or says why not. The reservation carries a check time,
 * so a process that dies before ZaloPay answers leaves a refund the sweeper settles by
 * `query_refund`, never an amount held forever.
 */
export const reserveRefund = (order: Order, request: RefundRequestFacts, now: Date): Reservation => {
  const same = order.refunds?.find((r) => r.keyHash === request.keyHash);
  if (same) {
    return same.amount === request.amount && same.description === request.description
      ? { kind: 'existing', refund: same }
      : {
          kind: 'refused',
          refusal: {
            code: 'IDEMPOTENCY_CONFLICT',
            message: 'this Idempotency-Key was used for another refund of this order',
          },
        };
  }
  if (!refundableState(order)) {
    return {
      kind: 'refused',
      refusal: {
        code: 'ORDER_NOT_REFUNDABLE',
        message:
          order.zpTransId === undefined || !['PAID', 'REFUNDED', 'REVIEW'].includes(order.status)
            ? `order is ${order.status}: only a paid order can be refunded`
            : `order is ${order.status} (${order.review?.reason ?? 'no reason'}): it cannot be refunded`,
      },
    };
  }
  const refundable = refundableAmount(order);
  if (request.amount > refundable) {
    return {
      kind: 'refused',
      refusal: {
        code: 'REFUND_EXCEEDS_REFUNDABLE',
        message: `at most ${refundable} VND can be refunded`,
        refundable,
      },
    };
  }
  const at = now.toISOString();
  const refund: Refund = {
    mRefundId: request.mRefundId,
    amount: request.amount,
    description: request.description,
    status: 'RESERVED',
    keyHash: request.keyHash,
    createdAt: at,
    updatedAt: at,
    nextCheck: { attempt: 0, at: request.checkAt },
  };
  return {
    kind: 'reserved',
    refund,
    order: {
      ...order,
      version: order.version + 1,
      updatedAt: at,
      refunds: [...(order.refunds ?? []), refund],
    },
  };
};

/** What we learnt about one refund: ZaloPay's answer to refund or query_refund, or none. */
export interface RefundUpdate {
  status: Exclude<RefundStatus, 'RESERVED'>;
  refundId?: string;
  result?: Failure;
  /** The next query_refund while PROCESSING; absent when none is planned. */
  nextCheck?: { attempt: number; at: string };
}

export type RefundDecision =
  | { kind: 'change'; order: Order; refund: Refund }
  /** The refund is already final (or already in this state with this check): nothing to write. */
  | { kind: 'unchanged'; refund: Refund }
  | { kind: 'unknown' };

const isFinal = (status: RefundStatus): boolean => status === 'SUCCEEDED' || status === 'FAILED';

/**
 * Applies `update` to refund `mRefundId`. A final refund never changes again. `refundedAmount` is
 * the sum of SUCCEEDED refunds; when it reaches what was paid the order becomes REFUNDED, with
 * its transition record, and any review is resolved (the money went back).
 */
export const settleRefund = (
  order: Order,
  mRefundId: string,
  update: RefundUpdate,
  now: Date,
  cause: Cause,
): RefundDecision => {
  const current = order.refunds?.find((r) => r.mRefundId === mRefundId);
  if (!current) return { kind: 'unknown' };
  if (isFinal(current.status)) return { kind: 'unchanged', refund: current };
  if (
    current.status === update.status &&
    current.nextCheck?.at === update.nextCheck?.at &&
    current.nextCheck?.attempt === update.nextCheck?.attempt &&
    (update.refundId === undefined || update.refundId === current.refundId)
  ) {
    return { kind: 'unchanged', refund: current };
  }
  const at = now.toISOString();
  const refund: Refund = {
    ...current,
    status: update.status,
    updatedAt: at,
    ...(update.refundId !== undefined && { refundId: update.refundId }),
    ...(update.result !== undefined && { result: update.result }),
  };
  if (update.nextCheck && update.status === 'PROCESSING') refund.nextCheck = update.nextCheck;
  else delete refund.nextCheck;
  const refunds = (order.refunds ?? []).map((r) => (r.mRefundId === mRefundId ? refund : r));
  const refundedAmount = refunds.filter((r) => r.status === 'SUCCEEDED').reduce((s, r) => s + r.amount, 0);
  const next: Order = { ...order, version: order.version + 1, updatedAt: at, refunds, refundedAmount };
  if (refundedAmount >= paidAmountOf(order) && order.status !== 'REFUNDED') {
    next.status = 'REFUNDED';
    delete next.review;
    next.transitions = withTransition(order.transitions, {
      at,
      from: order.status,
      to: 'REFUNDED',
      trigger: cause.trigger,
      evidence: cause.evidence,
    });
  }
  return { kind: 'change', order: next, refund };
};

/** The refunds whose follow-up is due at or before `cutoff` (ISO), RESERVED or PROCESSING. */
export const dueRefunds = (order: Order, cutoff: string): Refund[] =>
  (order.refunds ?? []).filter(
    (r) =>
      !isFinal(r.status) && r.nextCheck !== undefined && Date.parse(r.nextCheck.at) <= Date.parse(cutoff),
  );
