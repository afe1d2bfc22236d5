import type { Clock } from '../clock';
import type { Log, Metrics } from '../observability';
import type { OrderStore } from '../ports/store';
import { ZaloPayError, ZaloPayRejectedError } from '../zalopay/errors';
import { vnDayPrefix } from '../zalopay/ids';
import type { QueryOrderResult, ZaloPayGateway } from '../zalopay/types';
import { applyEvent, countSettlement, outcomeOf } from './apply';
import { type CheckPolicy, eventFromQuery, queryEvidence } from './checks';
import type { Order, OrderStatus, ReviewReason } from './model';

/**
 * Reconciliation of a Vietnam day (docs/reconciliation.md): every order of the day against what
 * ZaloPay's `/v2/query` says of it. Orders settled by a query are taken as ZaloPay said then; every
 * other order is queried, a few at a time and no faster than a set rate (ZaloPay answers bursts
 * with -429). What an answer means for an order that is still open (or cancelled and awaiting
 * ZaloPay's word, or given up as UNRESOLVED) is applied through decide(), exactly as a sync would:
 * a payment reconciliation finds is recorded once (a known one is a duplicate), never counted twice.
 * A final verdict that ZaloPay contradicts is reported; only a payment ZaloPay took for an order we
 * had closed is also applied (PAID with the PAID_AFTER_CLOSE review, as a late callback would be).
 */

export interface ReconcileDeps {
  store: OrderStore;
  zalopay: ZaloPayGateway;
  clock: Clock;
  policy: CheckPolicy;
  log: Log;
  metrics: Metrics;
  /** Waits `ms`: the rate limit's and the retries' pauses (tests pass one that does not wait). */
  sleep: (ms: number) => Promise<unknown>;
}

/** How a run queries ZaloPay and pages through the day (docs/reconciliation.md §3). */
export interface ReconcileOptions {
  /** Queries in flight at once. */
  concurrency: number;
  /** Queries started per second, at most. */
  queriesPerSecond: number;
  /** Orders read from the day index per page. */
  pageSize: number;
  /** A query refused with a retryable code (-429 above all) or unanswered is tried this many more times. */
  retries: number;
  /** The pause before the first retry, doubled for each next one. */
  retryDelayMs: number;
  /** No order is started with less time left than this: the longest one order may take. */
  reserveMs: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = {
  concurrency: 4,
  queriesPerSecond: 10,
  pageSize: 100,
  retries: 2,
  retryDelayMs: 1000,
  reserveMs: 15_000,
};

/** An order agrees with ZaloPay, disagrees, or ZaloPay's side could not be known. */
export type ReconciliationResult = 'matched' | 'mismatched' | 'unresolved';

/** What disagrees: the amount, paid or not, or the refunded total. */
export type Mismatch = 'amount' | 'status' | 'refunds';

/** ZaloPay's side of an order, as its answer (or the stored answer that settled it) says. */
export type ZaloPayState = 'paid' | 'unpaid' | 'failed' | 'processing' | 'unknown' | 'unanswered';

/** One order of the report. */
export interface ReconciliationRow {
  appTransId: string;
  result: ReconciliationResult;
  /** What disagrees; empty unless `mismatched`. */
  mismatches: Mismatch[];
  /** Why, in words. */
  note: string;
  /** Where ZaloPay's side comes from: a query now, or the query that settled the order earlier. */
  source: 'query' | 'stored-query';
  /** Our order as reconciliation found it. */
  status: OrderStatus;
  review?: ReviewReason;
  /** VND: the order amount; what ZaloPay collected as we recorded it; refunded so far. */
  amount: number;
  paidAmount?: number;
  refundedAmount: number;
  zalopay: {
    state: ZaloPayState;
    amount?: number;
    zpTransId?: string;
    returnCode?: number;
    subReturnCode?: number;
  };
  /** The change reconciliation made through decide(), when it made one. */
  applied?: { from: OrderStatus; to: OrderStatus; review?: ReviewReason };
  createdAt: string;
}

/** Counts and VND totals of a report. */
export interface ReconciliationSummary {
  /** The Vietnam day, `yyyy-mm-dd`. */
  date: string;
  orders: number;
  matched: number;
  mismatched: number;
  unresolved: number;
  /** Orders queried now (the rest were settled by a query and taken as ZaloPay said then). */
  queried: number;
  /** Orders reconciliation changed (a payment recorded, an open order closed). */
  applied: number;
  /** Collected as we record it (`paidAmount` of paid orders) and as ZaloPay says. */
  collectedHere: number;
  collectedAtZaloPay: number;
  refundedHere: number;
}

/** The reconciliation of a day, whole or as far as it got. */
export interface ReconciliationReport {
  summary: ReconciliationSummary;
  rows: ReconciliationRow[];
  /** False when the run stopped for time: `next` is where another run carries on. */
  complete: boolean;
  next?: string;
}

/** A day that is no `yyyy-mm-dd` date of this century. */
export class InvalidDayError extends Error {
  override readonly name = 'InvalidDayError';
}

/** The `yymmdd` of a `yyyy-mm-dd` day, or InvalidDayError. */
export const dayPrefixOf = (date: string): string => {
  const prefix = vnDayPrefix(date);
  if (!prefix) throw new InvalidDayError(`${JSON.stringify(date)} is not a date (yyyy-mm-dd)`);
  return prefix;
};

/** Paid here: ZaloPay's collection is recorded on the order (paid, refunded, or in review with it). */
const collectedHere = (order: Order): boolean =>
  order.paidAmount !== undefined && ['PAID', 'REFUNDED', 'REVIEW'].includes(order.status);

/** Still open: what a query says is news, to apply, not a disagreement. */
const open = (order: Order): boolean =>
  ['CREATING', 'PENDING'].includes(order.status) ||
  (order.status === 'EXPIRED' && order.closedReason === 'CANCELLED' && order.nextCheck !== undefined) ||
  (order.status === 'REVIEW' && order.review?.reason === 'UNRESOLVED');

/** Starts at most `perSecond` calls a second: each waits for its slot. */
const rateLimiter = (deps: Pick<ReconcileDeps, 'clock' | 'sleep'>, perSecond: number) => {
  const interval = 1000 / Math.max(perSecond, Number.MIN_VALUE);
  let nextSlot = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = deps.clock().getTime();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await deps.sleep(slot - now);
  };
};

type Limiter = ReturnType<typeof rateLimiter>;

/** ZaloPay's answer, after the retries a retryable refusal or no answer earns; or the last error. */
const queryWithRetries = async (
  deps: ReconcileDeps,
  options: ReconcileOptions,
  limit: Limiter,
  appTransId: string,
): Promise<QueryOrderResult | ZaloPayError> => {
  for (let attempt = 0; ; attempt++) {
    await limit();
    try {
      return await deps.zalopay.queryOrder(appTransId);
    } catch (error) {
      if (!(error instanceof ZaloPayError)) throw error;
      deps.metrics.count('ZaloPayError');
      if (!error.retryable || attempt >= options.retries) return error;
      await deps.sleep(options.retryDelayMs * 2 ** attempt);
    }
  }
};

const base = (order: Order, source: ReconciliationRow['source']) => ({
  appTransId: order.appTransId,
  source,
  status: order.status,
  ...(order.review && { review: order.review.reason }),
  amount: order.amount,
  ...(order.paidAmount !== undefined && { paidAmount: order.paidAmount }),
  refundedAmount: order.refundedAmount,
  createdAt: order.createdAt,
});

/** Our refunded total against the ledger's succeeded refunds (ZaloPay's word on each). */
const refundsDisagree = (order: Order): boolean =>
  (order.refunds ?? []).filter((r) => r.status === 'SUCCEEDED').reduce((sum, r) => sum + r.amount, 0) !==
  order.refundedAmount;

/** The row of one order whose ZaloPay side is known to be paid `amount`. */
const comparePaid = (
  order: Order,
  amount: number | undefined,
  source: ReconciliationRow['source'],
  zalopay: ReconciliationRow['zalopay'],
): Omit<ReconciliationRow, 'applied'> => {
  const mismatches: Mismatch[] = [];
  const notes: string[] = [];
  if (!collectedHere(order)) {
    mismatches.push('status');
    notes.push(`paid at ZaloPay, ${order.status} here`);
  }
  if (amount !== order.amount || (order.paidAmount !== undefined && order.paidAmount !== amount)) {
    mismatches.push('amount');
    notes.push(`ZaloPay collected ${amount ?? 'an unknown amount'}, the order is for ${order.amount}`);
  }
  if (refundsDisagree(order)) {
    mismatches.push('refunds');
    notes.push(`refunded ${order.refundedAmount} here, the ledger's succeeded refunds say otherwise`);
  }
  return {
    ...base(order, source),
    result: mismatches.length ? 'mismatched' : 'matched',
    mismatches,
    note: mismatches.length ? notes.join('; ') : 'paid, same amount',
    zalopay,
  };
};

/** Reconciles one order (docs/reconciliation.md §1). */
const reconcileOrder = async (
  deps: ReconcileDeps,
  options: ReconcileOptions,
  limit: Limiter,
  order: Order,
): Promise<ReconciliationRow> => {
  if (order.settledBy === 'query' && collectedHere(order)) {
    // ZaloPay's own answer settled it: asking again would only repeat it (docs/reconciliation.md §1).
    return comparePaid(order, order.paidAmount, 'stored-query', {
      state: 'paid',
      amount: order.paidAmount,
      ...(order.zpTransId && { zpTransId: order.zpTransId }),
    });
  }
  const answer = await queryWithRetries(deps, options, limit, order.appTransId);
  if (answer instanceof ZaloPayError) {
    const rejected = answer instanceof ZaloPayRejectedError;
    return {
      ...base(order, 'query'),
      result: 'unresolved',
      mismatches: [],
      note: `ZaloPay's query failed: ${answer.message}`,
      zalopay: {
        state: 'unanswered',
        ...(rejected && { returnCode: answer.returnCode }),
        ...(rejected && answer.subReturnCode !== undefined && { subReturnCode: answer.subReturnCode }),
      },
    };
  }
  const zalopay = {
    state: (answer.returnCode === 1
      ? 'paid'
      : answer.returnCode === 2
        ? answer.subReturnCode === -101
          ? 'unknown'
          : 'failed'
        : answer.isProcessing
          ? 'processing'
          : 'unpaid') as ZaloPayState,
    ...(answer.amount !== undefined && { amount: answer.amount }),
    ...(answer.zpTransId !== undefined && { zpTransId: answer.zpTransId }),
    returnCode: answer.returnCode,
    ...(answer.subReturnCode !== undefined && { subReturnCode: answer.subReturnCode }),
  };
  const unresolved = (note: string): ReconciliationRow => ({
    ...base(order, 'query'),
    result: 'unresolved',
    mismatches: [],
    note,
    zalopay,
  });
  if (zalopay.state === 'processing') return unresolved('ZaloPay is still processing the payment');
  if (zalopay.state === 'unknown' && order.orderUrl)
    return unresolved('ZaloPay does not know the order it created (past its 48 h query window?)');

  // Open orders take the answer as news; a payment for an order we closed is kept and flagged.
  let current = order;
  let applied: ReconciliationRow['applied'];
  if (open(order) || (zalopay.state === 'paid' && !collectedHere(order))) {
    const now = deps.clock();
    const result = await applyEvent(
      deps,
      order.appTransId,
      (o) => eventFromQuery(o, answer, now, deps.policy, 'reconciliation'),
      order,
    );
    if (result.outcome === 'CHANGED') {
      current = result.order;
      applied = {
        from: result.from,
        to: current.status,
        ...(current.review && { review: current.review.reason }),
      };
      countSettlement(deps, current);
      await deps.store.appendHistory(order.appTransId, {
        at: now.toISOString(),
        kind: 'QUERY',
        trigger: 'reconciliation',
        detail: queryEvidence(answer),
        ...outcomeOf(result),
      });
    }
  }
  const withApplied = (row: Omit<ReconciliationRow, 'applied'>): ReconciliationRow => ({
    ...row,
    ...(applied && { applied }),
  });

  if (zalopay.state === 'paid') {
    // A final verdict ZaloPay contradicts is a mismatch even once applied; an open order's is news.
    const judged = open(order) ? current : order;
    return withApplied(comparePaid(judged, answer.amount, 'query', zalopay));
  }
  if (collectedHere(order)) {
    return withApplied({
      ...base(order, 'query'),
      result: 'mismatched',
      mismatches: ['status'],
      note: `${order.status} here with ${order.paidAmount} collected, ZaloPay says not paid (${zalopay.state})`,
      zalopay,
    });
  }
  if (open(current))
    return withApplied({
      ...base(current, 'query'),
      result: 'unresolved',
      mismatches: [],
      note: `still open: ZaloPay says ${zalopay.state}, the order has not expired yet`,
      zalopay,
    });
  return withApplied({
    ...base(current, 'query'),
    result: 'matched',
    mismatches: [],
    note: `not paid here (${current.status}) nor at ZaloPay (${zalopay.state})`,
    zalopay,
  });
};

/**
 * Reconciles the orders of `date` (`yyyy-mm-dd`, Vietnam) after the id `after`, page by page, until
 * the day is done, `maxOrders` are reconciled or `remainingMs()` falls to `options.reserveMs` (the
 * first batch runs whatever the time, so that a caller always gets further).
 * Orders are taken in id order, `concurrency` at a time, each batch finished before the next
 * starts: `next` (the last id reconciled) is where a later call carries on, with nothing skipped
 * and nothing done twice.
 */
export const reconcileDay = async (
  deps: ReconcileDeps,
  date: string,
  options: ReconcileOptions,
  {
    after,
    maxOrders = Number.POSITIVE_INFINITY,
    remainingMs = () => Number.POSITIVE_INFINITY,
    onProgress,
  }: {
    after?: string;
    maxOrders?: number;
    remainingMs?: () => number;
    /** Called after each batch with the rows so far. */
    onProgress?: (rows: readonly ReconciliationRow[]) => void;
  } = {},
): Promise<ReconciliationReport> => {
  const day = dayPrefixOf(date);
  const limit = rateLimiter(deps, options.queriesPerSecond);
  const rows: ReconciliationRow[] = [];
  let cursor = after;
  let complete = false;
  const batchSize = Math.max(1, options.concurrency);
  reading: while (rows.length < maxOrders) {
    if (rows.length > 0 && remainingMs() <= options.reserveMs) break;
    const page = await deps.store.listOrdersOfDay(
      day,
      Math.min(options.pageSize, maxOrders - rows.length),
      cursor,
    );
    for (let i = 0; i < page.appTransIds.length; i += batchSize) {
      // The first batch always runs, so that every call moves on, however little time it was given.
      if (rows.length > 0 && remainingMs() <= options.reserveMs) break reading;
      const batch = page.appTransIds.slice(i, i + batchSize);
      const done = await Promise.all(
        batch.map(async (id) => {
          const order = await deps.store.get(id);
          // An index entry without its order (a create that never got as far) is no order of the day.
          return order && reconcileOrder(deps, options, limit, order);
        }),
      );
      rows.push(...done.filter((row): row is ReconciliationRow => row !== undefined));
      cursor = batch.at(-1);
      onProgress?.(rows);
    }
    if (page.next === undefined) {
      complete = true;
      break;
    }
  }
  const summary = summarize(date, rows);
  deps.metrics.count('ReconciledOrders', summary.orders);
  if (summary.mismatched) deps.metrics.count('ReconciliationMismatches', summary.mismatched);
  if (summary.unresolved) deps.metrics.count('ReconciliationUnresolved', summary.unresolved);
  return { summary, rows, complete, ...(!complete && cursor !== undefined && { next: cursor }) };
};

/** How many orders the day has (the index's keys only): a progress bar's 100 %. */
export const countOrdersOfDay = async (deps: Pick<ReconcileDeps, 'store'>, date: string): Promise<number> => {
  const day = dayPrefixOf(date);
  let count = 0;
  let after: string | undefined;
  do {
    const page = await deps.store.listOrdersOfDay(day, 1000, after);
    count += page.appTransIds.length;
    after = page.next;
  } while (after !== undefined);
  return count;
};

/** The counts and totals of `rows`. */
export const summarize = (date: string, rows: readonly ReconciliationRow[]): ReconciliationSummary => {
  const count = (result: ReconciliationResult) => rows.filter((r) => r.result === result).length;
  const sum = (values: (number | undefined)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
  return {
    date,
    orders: rows.length,
    matched: count('matched'),
    mismatched: count('mismatched'),
    unresolved: count('unresolved'),
    queried: rows.filter((r) => r.source === 'query').length,
    applied: rows.filter((r) => r.applied).length,
    collectedHere: sum(
      rows.map((r) =>
        ['PAID', 'REFUNDED', 'REVIEW'].includes(r.applied?.to ?? r.status)
          ? (r.paidAmount ?? (r.applied ? r.zalopay.amount : undefined))
          : undefined,
      ),
    ),
    collectedAtZaloPay: sum(rows.map((r) => (r.zalopay.state === 'paid' ? r.zalopay.amount : undefined))),
    refundedHere: sum(rows.map((r) => r.refundedAmount)),
  };
};

/** The CSV columns, in order (docs/reconciliation.md §4). */
export const CSV_COLUMNS = [
  'appTransId',
  'result',
  'mismatches',
  'note',
  'source',
  'status',
  'review',
  'amount',
  'paidAmount',
  'refundedAmount',
  'zalopayState',
  'zalopayAmount',
  'zpTransId',
  'returnCode',
  'subReturnCode',
  'appliedTo',
  'createdAt',
] as const;

/** One CSV field, RFC 4180: quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export const csvField = (value: string | number | undefined): string => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The report as CSV (RFC 4180): a header, then one line per order, CRLF line ends. */
export const toCsv = (rows: readonly ReconciliationRow[]): string => {
  const line = (fields: (string | number | undefined)[]) => `${fields.map(csvField).join(',')}\r\n`;
  return (
    line([...CSV_COLUMNS]) +
    rows
      .map((r) =>
        line([
          r.appTransId,
          r.result,
          r.mismatches.join(' '),
          r.note,
          r.source,
          r.status,
          r.review,
          r.amount,
          r.paidAmount,
          r.refundedAmount,
          r.zalopay.state,
          r.zalopay.amount,
          r.zalopay.zpTransId,
          r.zalopay.returnCode,
          r.zalopay.subReturnCode,
          r.applied ? `${r.applied.to}${r.applied.review ? ` ${r.applied.review}` : ''}` : undefined,
          r.createdAt,
        ]),
      )
      .join('')
  );
};
