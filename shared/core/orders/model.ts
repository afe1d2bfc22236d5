import * as z from 'zod/mini';
import { described, isoTimestamp, lazySchema } from '../schemas';

/** The order lifecycle of docs/state-machine.md. */
export const ORDER_STATUSES = [
  'CREATING',
  'PENDING',
  'PAID',
  'FAILED',
  'EXPIRED',
  'REVIEW',
  'REFUNDED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** An order status as the API shows it. */
export const orderStatusSchema = /* @__PURE__ */ lazySchema(() =>
  described(z.enum(ORDER_STATUSES), {
    description:
      'CREATING: stored, ZaloPay not yet answered; PENDING: waiting for the payment; PAID; FAILED; ' +
      'EXPIRED; REVIEW: a person must look (see review.reason); REFUNDED (docs/state-machine.md).',
  }),
);

/** Statuses whose outcome at ZaloPay is still open: only these are status-checked. */
const UNSETTLED_STATUSES: readonly OrderStatus[] = ['CREATING', 'PENDING'];
export const isUnsettled = (status: OrderStatus): boolean => UNSETTLED_STATUSES.includes(status);

/**
 * Why an order needs a person: the amount paid differs, money arrived after we closed the order,
 * the outcome stayed unknown for 47 h, ZaloPay reported a payment for an order we never stored,
 * or ZaloPay signed a callback we cannot read.
 */
export const reviewReasonSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.enum(['AMOUNT_MISMATCH', 'PAID_AFTER_CLOSE', 'UNRESOLVED', 'ORPHAN_PAYMENT', 'UNREADABLE_CALLBACK']),
    {
      description:
        'Why a person must look: the amount paid differs, money arrived after we closed the order, the ' +
        'outcome stayed unknown for 47 h, a payment for an order we never stored, or a signed callback we cannot ' +
        'read (docs/state-machine.md).',
    },
  ),
);
export type ReviewReason = z.output<ReturnType<typeof reviewReasonSchema>>;

/** Whether an order waits for a person: in REVIEW, or paid after we had closed it. */
export const needsReview = (order: Pick<Order, 'status' | 'review'>): boolean =>
  order.status === 'REVIEW' || order.review?.reason === 'PAID_AFTER_CLOSE';

/**
 * Who or what caused a change (docs/state-machine.md §5); `merchant` is the sync route,
 * `reconciliation` a reconciliation run (docs/reconciliation.md §1).
 */
export const triggerSchema = /* @__PURE__ */ lazySchema(() =>
  described(z.enum(['create', 'callback', 'schedule', 'sweeper', 'redirect', 'merchant', 'reconciliation']), {
    description:
      'Who or what caused the change; `merchant` is the sync route, `reconciliation` the daily reconciliation.',
  }),
);
export type Trigger = z.output<ReturnType<typeof triggerSchema>>;

/**
 * The record of one change of an order, kept inside the order item and written by the very
 * conditional write that makes the change, so no change can exist without its record. Answered as
 * stored by `GET /orders/{appTransId}/history`.
 */
export const transitionSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      at: isoTimestamp('When the change was written.'),
      from: z.optional(orderStatusSchema()),
      to: orderStatusSchema(),
      trigger: triggerSchema(),
      evidence: described(z.record(z.string(), z.unknown()), {
        description:
          "What justified it: ZaloPay's codes, ids and amounts; for a callback, its verified `data` and " +
          '`mac` exactly as received (the proof).',
      }),
      review: z.optional(reviewReasonSchema()),
    }),
    {
      description:
        "One change of status or review flag (docs/state-machine.md §5). `from` is absent on the record of the item's " +
        'creation (a new order, an orphan payment); `review` is the flag the change set, when it set one.',
    },
  ),
);
export type Transition = z.output<ReturnType<typeof transitionSchema>>;

/** Why a change is made: who caused it, and what it rests on. */
export type Cause = Pick<Transition, 'trigger' | 'evidence'>;

/**
 * When the order came to need a person: the change that set its review, else its last update
 * (orders stored before transitions existed). Orders that need no review have none.
 */
export const reviewSince = (order: Order): string | undefined => {
  if (!needsReview(order)) return undefined;
  const flagged = order.transitions?.findLast((t) => t.review !== undefined);
  return flagged?.at ?? order.updatedAt;
};

/** The order keeps its last this many transitions; older ones are dropped (docs/state-machine.md §5). */
export const MAX_TRANSITIONS = 20;

/** `transitions` with `next` appended, the oldest dropped beyond {@link MAX_TRANSITIONS}. */
export const withTransition = (
  transitions: readonly Transition[] | undefined,
  next: Transition,
): Transition[] => [...(transitions ?? []), next].slice(-MAX_TRANSITIONS);

export interface OrderItem {
  id?: string;
  name: string;
  /** Unit price in VND. */
  price: number;
  quantity: number;
}

export type Metadata = Readonly<Record<string, string | number | boolean | null>>;

/**
 * ZaloPay's codes when it refused the order at create time or reported it failed on query. A type,
 * not an interface, so that a history entry's detail can hold it.
 */
export type Failure = {
  returnCode: number;
  subReturnCode?: number;
  subReturnMessage?: string;
};

export interface Order {
  appTransId: string;
  status: OrderStatus;
  /** Incremented by every write; each transition is conditional on (status, version). */
  version: number;
  /** VND. */
  amount: number;
  description: string;
  appUser: string;
  items: readonly OrderItem[];
  bankCode: string;
  returnUrl?: string;
  metadata?: Metadata;
  expireDurationSeconds: number;
  /** ISO-8601 UTC timestamps. */
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  orderUrl?: string;
  qrCode?: string;
  zpTransToken?: string;
  zpTransId?: string;
  /** What ZaloPay says was collected, when it differs from or confirms `amount`. */
  paidAmount?: number;
  paidAt?: string;
  settledBy?: 'callback' | 'query';
  review?: { reason: ReviewReason };
  failure?: Failure;
  /** VND refunded so far: the sum of the SUCCEEDED refunds (docs/state-machine.md §6). */
  refundedAmount: number;
  /** The refund ledger, oldest first (docs/state-machine.md §6). Absent until the first refund. */
  refunds?: readonly Refund[];
  /**
   * Why we closed the order ourselves: `CANCELLED` by the merchant (an EXPIRED order). Its checks
   * go on until ZaloPay confirms it was not paid (docs/state-machine.md §7).
   */
  closedReason?: 'CANCELLED';
  /** The next status check while unsettled: the sweeper finds overdue ones by `at`. */
  nextCheck?: { attempt: number; at: string };
  /**
   * Every change of status or review flag, oldest first, the last {@link MAX_TRANSITIONS}. Absent
   * only on orders stored before the field existed.
   */
  transitions?: readonly Transition[];
}

/**
 * Where one refund stands (docs/state-machine.md §6): RESERVED before ZaloPay is asked, PROCESSING
 * while ZaloPay has not said (or did not answer), then SUCCEEDED or FAILED. Only FAILED releases
 * the amount it holds.
 */
export type RefundStatus = 'RESERVED' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';

/** One refund in the order's ledger. */
export interface Refund {
  /** Our `m_refund_id`: `yymmdd_<appId>_<unique>` (docs/zalopay-protocol.md §8.1). */
  mRefundId: string;
  /** VND. */
  amount: number;
  /** NFC-normalised, as signed and sent. */
  description: string;
  status: RefundStatus;
  /** SHA-256 of the request's Idempotency-Key: the same key never makes a second refund. */
  keyHash: string;
  createdAt: string;
  updatedAt: string;
  /** ZaloPay's `refund_id`, once it has given one. */
  refundId?: string;
  /** ZaloPay's last codes about this refund. */
  result?: Failure;
  /** The next `query_refund` while PROCESSING; the sweeper finds overdue ones. */
  nextCheck?: { attempt: number; at: string };
}

/** Statuses whose refunds still hold their amount: every one but FAILED. */
export const holdsAmount = (refund: Pick<Refund, 'status'>): boolean => refund.status !== 'FAILED';

/** The earliest next check among the order's refunds, if any is planned. */
export const nextRefundCheck = (order: Pick<Order, 'refunds'>): string | undefined =>
  (order.refunds ?? [])
    .map((r) => r.nextCheck?.at)
    .filter((at): at is string => at !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];

/**
 * Whether the order still needs status checks: unsettled, or cancelled by us and not yet
 * confirmed unpaid by ZaloPay (it keeps its `nextCheck` until then).
 */
export const needsChecks = (order: Pick<Order, 'status' | 'closedReason' | 'nextCheck'>): boolean =>
  isUnsettled(order.status) ||
  (order.status === 'EXPIRED' && order.closedReason === 'CANCELLED' && order.nextCheck !== undefined);

/**
 * One line of an order's append-only history: something ZaloPay told us, and what it did. Stored as
 * it is and answered as it is by `GET /orders/{appTransId}/history`.
 */
export const historyEntrySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    at: isoTimestamp('When it was recorded.'),
    kind: described(z.enum(['CREATE', 'CALLBACK', 'QUERY', 'REDIRECT', 'REFUND', 'REFUND_QUERY', 'CANCEL']), {
      description: 'What was observed.',
    }),
    trigger: z.optional(
      described(z.string(), {
        description: 'Who caused it: callback, schedule, sweeper, merchant or redirect.',
        examples: ['callback'],
      }),
    ),
    detail: described(z.record(z.string(), z.unknown()), {
      description:
        "The observation: ZaloPay's codes, amounts, ids; for a callback its verified `data` and `mac` " +
        'as received, as proof.',
    }),
    outcome: described(z.enum(['CHANGED', 'DUPLICATE', 'NO_CHANGE', 'CREATED']), {
      description:
        'CHANGED the status (from → to), DUPLICATE of what was known, NO_CHANGE, or CREATED an orphan.',
    }),
    from: z.optional(orderStatusSchema()),
    to: z.optional(orderStatusSchema()),
  }),
);
export type HistoryEntry = z.output<ReturnType<typeof historyEntrySchema>>;

/** Whether a buyer can still pay an order, and if not, why (said to the buyer). */
export type Payability =
  | { payable: true; orderUrl: string; secondsLeft: number }
  | { payable: false; reason: string };

/**
 * Whether a buyer can still pay the order at `now`: ZaloPay created it (it has its `order_url`) and
 * it has not expired. Its QR is shown only then.
 */
export const payability = (order: Order, now: Date): Payability => {
  const secondsLeft = Math.floor((Date.parse(order.expiresAt) - now.getTime()) / 1000);
  if (order.status !== 'PENDING' || !order.orderUrl)
    return { payable: false, reason: `order is ${order.status}` };
  if (secondsLeft <= 0) return { payable: false, reason: 'order is expired' };
  return { payable: true, orderUrl: order.orderUrl, secondsLeft };
};
