import * as z from 'zod/mini';
import {
  type HistoryEntry,
  type Order,
  type OrderStatus,
  orderStatusSchema,
  reviewReasonSchema,
} from '../orders/model';
import { described, isoTimestamp, lazySchema } from '../schemas';

/**
 * A scheduled check that is due, as found by the overdue-check index: the order's status check
 * (with its attempt), or (`kind: 'refunds'`) the follow-up of a refund of a paid order, which reads
 * the order to find which of its refunds are due.
 */
export type DueCheck =
  | { kind?: undefined; appTransId: string; attempt: number; at: string }
  | { kind: 'refunds'; appTransId: string; at: string };

/** One page of due checks, and where the next one starts. */
export interface DueChecksPage {
  checks: DueCheck[];
  /**
   * Opaque: pass it to `listDueChecks` for the next page. Absent when nothing is left; a full
   * page may carry one even then (the next page is empty).
   */
  next?: string;
}

/** One page of a day's orders, in id order. */
export interface DayOrdersPage {
  appTransIds: string[];
  /** The last id of this page, to pass as `after` for the next; absent when nothing is left. */
  next?: string;
}

/** An order waiting for a person, as the review list (`GET /reviews`) shows it. */
export const reviewEntrySchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: described(z.string(), {
        description: 'The order, or the id ZaloPay sent with an orphan payment.',
        examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
      }),
      status: orderStatusSchema(),
      reason: reviewReasonSchema(),
      since: isoTimestamp('When it came to need a person.'),
      amount: described(z.int(), { description: 'VND: the order amount, or what an orphan payment says.' }),
      paidAmount: z.optional(
        described(z.int(), { description: 'What ZaloPay says was collected (VND), when it said.' }),
      ),
      zpTransId: z.optional(described(z.string(), { description: "ZaloPay's transaction id, when known." })),
      createdAt: isoTimestamp('When the order (or the orphan record) was created.'),
    }),
    { description: 'An order or orphan payment that waits for a person (docs/http-api.md §5).' },
  ),
);

/** An order waiting for a person, as the review list shows it. */
export type ReviewEntry = z.output<ReturnType<typeof reviewEntrySchema>>;

/** One page of the review list, newest first; `cursor` fetches the next, absent on the last page. */
export interface ReviewPage {
  reviews: ReviewEntry[];
  cursor?: string;
}

/** A review-list cursor that no page of this store gave out. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/**
 * Where orders live. Every write that changes an order is conditional, so concurrent writers
 * (callback, redirect, status check, sweeper) can race and exactly one of them wins.
 */
export interface OrderStore {
  get(appTransId: string): Promise<Order | undefined>;
  /** Stores a new order; false if one with this id already exists. */
  create(order: Order): Promise<boolean>;
  /**
   * Replaces the order with `next` if the stored one still has `expected` status and version;
   * false when another writer got there first (re-read and decide again).
   */
  replace(next: Order, expected: { status: OrderStatus; version: number }): Promise<boolean>;
  appendHistory(appTransId: string, entry: HistoryEntry): Promise<void>;
  /** Oldest first. */
  history(appTransId: string): Promise<HistoryEntry[]>;
  /**
   * Orders whose next check (an unsettled order's, else the earliest of its refunds') is due at or
   * before `now` (ISO), oldest first, at most `limit` per page (equal times by id within a page).
   * `after` is the `next` of the previous page: reading goes on past what it returned, so checks
   * that fail, or entries that need no check, never come back within one pass
   * (docs/scheduling.md §4).
   */
  listDueChecks(now: string, limit: number, after?: string): Promise<DueChecksPage>;
  /**
   * Orders that wait for a person (`needsReview`), newest first, at most `limit` per page, from
   * where `cursor` left off. Throws InvalidCursorError for a cursor it never gave out.
   */
  listReviews(options: { limit: number; cursor?: string }): Promise<ReviewPage>;
  /**
   * The ids of the orders of a Vietnam day (`yymmdd`, the prefix of their ids), in id order, at
   * most `limit` per page, after the id `after` (any id: a reader may stop mid-page and go on from
   * the last id it handled). From an index, never a table scan (docs/reconciliation.md §2).
   */
  listOrdersOfDay(day: string, limit: number, after?: string): Promise<DayOrdersPage>;
}

/** A stored answer to replay for a repeated Idempotency-Key. */
export interface StoredResponse {
  statusCode: number;
  body: string;
}

export type IdempotencyClaim =
  /** The key is ours: go ahead, then complete or release it. */
  | { kind: 'claimed' }
  /** Same key, same request, finished: answer with the stored response. */
  | { kind: 'replay'; response: StoredResponse }
  /** Same key, different request. */
  | { kind: 'mismatch' }
  /** Same key, same request, still being processed by another call. */
  | { kind: 'in-progress' };

/** Idempotency-Key records, kept for 24 h. */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with `requestHash` until `leaseUntil` (ISO): a claim whose
   * holder died mid-request may be taken over once its lease has passed.
   */
  claim(key: string, requestHash: string, now: string, leaseUntil: string): Promise<IdempotencyClaim>;
  /** Records the final response so repeats replay it. */
  complete(key: string, requestHash: string, response: StoredResponse): Promise<void>;
  /** Forgets the key after an attempt that ended in an error, so it may be used again. */
  release(key: string, requestHash: string): Promise<void>;
}
