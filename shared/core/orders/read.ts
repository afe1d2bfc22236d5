import type { Clock } from '../clock';
import type { OrderStore } from '../ports/store';
import type { Order, OrderStatus } from './model';

export interface ReadDeps {
  store: OrderStore;
  clock: Clock;
  /** How long to wait between reads while long-polling. */
  pollIntervalMs: number;
  /**
   * Waits between reads. Resolving `false` means the wait was cut short (the local runtime is
   * shutting down): the long-poll then answers with what it last read.
   */
  sleep?: (ms: number) => Promise<boolean | undefined>;
}

const defaultSleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(resolve, ms));

/**
 * The order once its status differs from `status`, or as it is after `waitSeconds` (docs/http-api.md
 * long-poll). Polls the store, which works the same on Lambda and locally. `known`, an order the
 * caller has just read, stands in for the first read.
 */
export const waitForStatusChange = async (
  deps: ReadDeps,
  appTransId: string,
  status: OrderStatus,
  waitSeconds: number,
  known?: Order,
): Promise<Order | undefined> => {
  const deadline = deps.clock().getTime() + waitSeconds * 1000;
  const sleep = deps.sleep ?? defaultSleep;
  for (let round = 0; ; round++) {
    const order = round === 0 && known ? known : await deps.store.get(appTransId);
    const left = deadline - deps.clock().getTime();
    if (!order || order.status !== status || left <= 0) return order;
    if ((await sleep(Math.min(deps.pollIntervalMs, left))) === false) return order;
  }
};
