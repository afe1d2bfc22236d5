import type { Clock } from '../clock';
import type { OrderStore } from '../store/port';
import type { Order, OrderStatus } from './model';

export interface ReadDeps {
  store: OrderStore;
  clock: Clock;
  /** How long to wait between reads while long-polling. */
  pollIntervalMs: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The order once its status differs from `status`, or as it is after `waitSeconds` (design.md §3
 * long-poll). Polls the store, which works the same on Lambda and locally.
 */
export const waitForStatusChange = async (
  deps: ReadDeps,
  appTransId: string,
  status: OrderStatus,
  waitSeconds: number,
): Promise<Order | undefined> => {
  const deadline = deps.clock().getTime() + waitSeconds * 1000;
  const sleep = deps.sleep ?? defaultSleep;
  for (;;) {
    const order = await deps.store.get(appTransId);
    const left = deadline - deps.clock().getTime();
    if (!order || order.status !== status || left <= 0) return order;
    await sleep(Math.min(deps.pollIntervalMs, left));
  }
};
