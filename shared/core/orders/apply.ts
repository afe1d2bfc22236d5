import type { Clock } from '../clock';
import type { Metrics } from '../observability';
import type { OrderStore } from '../ports/store';
import type { ZaloPayRejectedError } from '../zalopay/errors';
import type { Failure, HistoryEntry, Order, OrderStatus } from './model';
import { decide, type OrderEvent } from './transitions';

export type Applied =
  | { outcome: 'CHANGED'; order: Order; from: OrderStatus }
  /** A new record was stored (an orphan payment). */
  | { outcome: 'CREATED'; order: Order }
  | { outcome: 'DUPLICATE'; order: Order }
  | { outcome: 'NO_CHANGE'; order: Order }
  | { outcome: 'NOT_FOUND' };

/** Thrown when writers kept colliding on one order for longer than any real race lasts. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

const MAX_ROUNDS = 10;

/**
 * Applies an event to a stored order: decide, then write conditionally on the status and version
 * the decision was based on. A lost race is not an error: re-read and decide again, so the loser
 * answers from what the winner wrote (a duplicate, an ignored event) or retries when its event
 * still applies (only the version moved). The event may depend on the order it meets (a query
 * answer does).
 *
 * `known` is the order as the caller last read or wrote it: the first round decides on it instead
 * of reading again. If it is stale, the conditional write fails and the next round re-reads, so
 * this saves a read without ever deciding on old data.
 */
export const applyEvent = async (
  deps: { store: OrderStore; clock: Clock },
  appTransId: string,
  event: OrderEvent | ((order: Order) => OrderEvent | undefined),
  known?: Order,
): Promise<Applied> => {
  let order = known;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    order = round === 0 && order ? order : await deps.store.get(appTransId);
    if (!order) return { outcome: 'NOT_FOUND' };
    const e = typeof event === 'function' ? event(order) : event;
    if (!e) return { outcome: 'NO_CHANGE', order };
    const decision = decide(order, e, deps.clock());
    if (decision.kind === 'duplicate') return { outcome: 'DUPLICATE', order };
    if (decision.kind === 'ignore') return { outcome: 'NO_CHANGE', order };
    if (await deps.store.replace(decision.order, { status: order.status, version: order.version })) {
      return { outcome: 'CHANGED', order: decision.order, from: order.status };
    }
  }
  throw new ConcurrentUpdateError(`order ${appTransId} kept changing under ${MAX_ROUNDS} writers`);
};

/** The history fields describing what applying an event did. */
export const outcomeOf = (applied: Applied): Pick<HistoryEntry, 'outcome' | 'from' | 'to'> => {
  switch (applied.outcome) {
    case 'CHANGED':
      return { outcome: 'CHANGED', from: applied.from, to: applied.order.status };
    case 'CREATED':
      return { outcome: 'CREATED', to: applied.order.status };
    case 'NOT_FOUND':
      return { outcome: 'NO_CHANGE' };
    default:
      return { outcome: applied.outcome, to: applied.order.status };
  }
};

/** Counts the order's final status, when it has one, in the business metrics. */
export const countSettlement = (deps: { metrics: Metrics }, order: Order): void => {
  const metric = (
    { PAID: 'OrderPaid', REVIEW: 'OrderReview', EXPIRED: 'OrderExpired', FAILED: 'OrderFailed' } as const
  )[order.status as 'PAID' | 'REVIEW' | 'EXPIRED' | 'FAILED'];
  if (metric) deps.metrics.count(metric);
};

/** The codes of a ZaloPay refusal, as an order or its history keeps them. */
export const failureOf = (error: ZaloPayRejectedError): Failure => ({
  returnCode: error.returnCode,
  subReturnCode: error.subReturnCode,
  subReturnMessage: error.subReturnMessage,
});
