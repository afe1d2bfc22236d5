import type { Order, OrderStatus } from '../../../shared/core/orders/model';
import { type ReadDeps, waitForStatusChange } from '../../../shared/core/orders/read';
import type { OrderStore } from '../../../shared/core/ports/store';
import { manualClock } from '../../support/clock';
import { anOrder, T0 } from '../../support/orders';

/** A store whose order goes through `statuses`, one per read (the last one stays). */
const storeReading = (...statuses: OrderStatus[]) => {
  const reads: OrderStatus[] = [];
  const store = {
    get: async (): Promise<Order> => {
      const status = statuses[Math.min(reads.length, statuses.length - 1)]!;
      reads.push(status);
      return anOrder({ status });
    },
  } as unknown as OrderStore;
  return { store, reads };
};

const depsWith = (store: OrderStore, sleep?: ReadDeps['sleep']) => {
  const clock = manualClock(T0);
  const sleeps: number[] = [];
  const deps: ReadDeps = {
    store,
    clock,
    pollIntervalMs: 1_000,
    sleep:
      sleep ??
      (async (ms) => {
        sleeps.push(ms);
        clock.advance(ms / 1000);
        return undefined;
      }),
  };
  return { deps, sleeps };
};

describe('waitForStatusChange', () => {
  it('answers at once when the status already differs', async () => {
    const { store, reads } = storeReading('PAID');
    const { deps, sleeps } = depsWith(store);

    expect((await waitForStatusChange(deps, 'id', 'PENDING', 20))?.status).toBe('PAID');
    expect(reads).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads every poll interval until the status moves', async () => {
    const { store, reads } = storeReading('PENDING', 'PENDING', 'PAID');
    const { deps, sleeps } = depsWith(store);

    expect((await waitForStatusChange(deps, 'id', 'PENDING', 20))?.status).toBe('PAID');
    expect(reads).toHaveLength(3);
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('answers with the unchanged order once the wait is over, never sleeping past it', async () => {
    const { store, reads } = storeReading('PENDING');
    const { deps, sleeps } = depsWith(store);
    deps.pollIntervalMs = 800;

    expect((await waitForStatusChange(deps, 'id', 'PENDING', 2))?.status).toBe('PENDING');
    expect(sleeps).toEqual([800, 800, 400]);
    expect(reads).toHaveLength(4);
  });

  it('answers with what it last read when a wait is cut short (shutdown)', async () => {
    const { store, reads } = storeReading('PENDING');
    const { deps } = depsWith(store, async () => false);

    expect((await waitForStatusChange(deps, 'id', 'PENDING', 20))?.status).toBe('PENDING');
    expect(reads).toHaveLength(1);
  });

  it('decides its first round on an order the caller has just read, without reading it again', async () => {
    const { store, reads } = storeReading('PAID');
    const { deps } = depsWith(store);

    expect(
      (await waitForStatusChange(deps, 'id', 'PENDING', 20, anOrder({ status: 'PENDING' })))?.status,
    ).toBe('PAID');
    expect(reads).toHaveLength(1);
  });
});
