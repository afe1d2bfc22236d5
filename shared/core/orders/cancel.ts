import type { Clock } from '../clock';
import type { Log, Metrics } from '../observability';
import type { OrderStore } from '../ports/store';
import { applyEvent } from './apply';
import type { Order, OrderStatus } from './model';

export interface CancelDeps {
  store: OrderStore;
  clock: Clock;
  log: Log;
  metrics: Metrics;
}

/** The order is past being cancelled: paid, failed, expired, refunded or waiting for a person. */
export class OrderNotCancellableError extends Error {
  override readonly name = 'OrderNotCancellableError';
  constructor(
    readonly appTransId: string,
    readonly status: OrderStatus,
  ) {
    super(`order is ${status}: only an unpaid open order can be cancelled`);
  }
}

/**
 * Closes an unpaid order at the merchant's request (docs/state-machine.md §7). ZaloPay v2 has no
 * cancel call, so we close it ourselves: EXPIRED with `closedReason` CANCELLED, which makes its QR
 * and checkout answer 410 at once. Its status checks go on until ZaloPay confirms it was not paid;
 * a payment that still arrives makes it PAID, flagged PAID_AFTER_CLOSE, never lost. Cancelling a
 * cancelled order answers it as it is. Returns undefined when there is no such order.
 */
export const cancelOrder = async (deps: CancelDeps, appTransId: string): Promise<Order | undefined> => {
  const now = deps.clock();
  const applied = await applyEvent(deps, appTransId, {
    type: 'CANCELLED',
    cause: { trigger: 'merchant', evidence: { request: 'cancel' } },
  });
  switch (applied.outcome) {
    case 'NOT_FOUND':
      return undefined;
    case 'NO_CHANGE':
      throw new OrderNotCancellableError(appTransId, applied.order.status);
    case 'DUPLICATE':
      return applied.order;
    case 'CREATED':
    case 'CHANGED':
      break;
  }
  deps.metrics.count('OrderCancelled');
  await deps.store.appendHistory(appTransId, {
    at: now.toISOString(),
    kind: 'CANCEL',
    trigger: 'merchant',
    detail: { checksUntil: applied.order.nextCheck?.at ?? null },
    outcome: 'CHANGED',
    ...(applied.outcome === 'CHANGED' && { from: applied.from }),
    to: applied.order.status,
  });
  deps.log.info('order cancelled by the merchant', { appTransId });
  return applied.order;
};
