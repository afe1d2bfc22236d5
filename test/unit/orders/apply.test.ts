import { applyEvent, ConcurrentUpdateError } from '../../../shared/core/orders/apply';
import type { Order } from '../../../shared/core/orders/model';
import type { OrderEvent } from '../../../shared/core/orders/transitions';
import { useInMemoryWorld, writesTo } from '../../support/memory';
import { anOrder, at } from '../../support/orders';

const NOW = at(300);
const world = useInMemoryWorld(NOW);

const ID = anOrder().appTransId;
const cause = { trigger: 'callback', evidence: {} } as const;
const PAID: OrderEvent = {
  type: 'PAID',
  via: 'callback',
  amount: 50_000,
  zpTransId: '261128000000001',
  paidAt: at(290).toISOString(),
  cause,
};
const bumped = (order: Order): Order => ({ ...order, version: order.version + 1 });

describe('applyEvent', () => {
  it('writes the order the state machine decides, and answers with it and the status it left', async () => {
    const { deps, store } = world();
    store.put(anOrder());

    const applied = await applyEvent(deps, ID, PAID);

    expect(applied).toMatchObject({
      outcome: 'CHANGED',
      from: 'PENDING',
      order: { status: 'PAID', version: 3 },
    });
    expect(applied.outcome !== 'NOT_FOUND' && applied.order).toEqual(store.peek(ID));
    expect(store.peek(ID)?.updatedAt).toBe(NOW.toISOString());
  });

  it('an event already applied is a duplicate, and nothing is written', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    await applyEvent(deps, ID, PAID);
    const paid = store.peek(ID);
    const writes = writesTo(store).length;

    const applied = await applyEvent(deps, ID, PAID);

    expect(applied).toEqual({ outcome: 'DUPLICATE', order: paid });
    expect(writesTo(store)).toHaveLength(writes);
  });

  it('an event without effect in this state changes nothing, and nothing is written', async () => {
    const { deps, store } = world();
    const { nextCheck: _none, ...paid } = anOrder({ status: 'PAID', version: 3 });
    store.put(paid);

    const applied = await applyEvent(deps, ID, { type: 'EXPIRED', cause });

    expect(applied).toEqual({ outcome: 'NO_CHANGE', order: paid });
    expect(writesTo(store)).toEqual([]);
  });

  it('answers NOT_FOUND for an order that is not stored, without writing', async () => {
    const { deps, store } = world();

    expect(await applyEvent(deps, ID, PAID)).toEqual({ outcome: 'NOT_FOUND' });
    expect(writesTo(store)).toEqual([]);
  });

  it('decides its first round on the order the caller holds, without reading it again', async () => {
    const { deps, store } = world();
    store.put(anOrder());

    await applyEvent(deps, ID, PAID, anOrder());

    expect(store.calls.map((c) => c.operation)).toEqual(['replace']);
    expect(store.peek(ID)?.status).toBe('PAID');
  });

  it('a stale order from the caller costs a failed write, then it decides again on what is stored', async () => {
    const { deps, store } = world();
    const { nextCheck: _none, ...expired } = anOrder({ status: 'EXPIRED', version: 3 });
    store.put(expired);

    const applied = await applyEvent(deps, ID, PAID, anOrder());

    expect(store.calls.map((c) => c.operation)).toEqual(['replace', 'get', 'replace']);
    expect(applied).toMatchObject({
      outcome: 'CHANGED',
      from: 'EXPIRED',
      order: { status: 'PAID', version: 4, review: { reason: 'PAID_AFTER_CLOSE' } },
    });
  });

  it('an event computed from the order is computed again from each fresh read', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    store.beforeNext('replace', () => store.put(anOrder({ status: 'CREATING', version: 5 })));
    const seen: string[] = [];

    const applied = await applyEvent(deps, ID, (order) => {
      seen.push(`${order.status}@${order.version}`);
      return order.status === 'PENDING' ? { type: 'EXPIRED', cause } : undefined;
    });

    expect(seen).toEqual(['PENDING@2', 'CREATING@5']);
    expect(applied).toMatchObject({ outcome: 'NO_CHANGE', order: { status: 'CREATING', version: 5 } });
    expect(writesTo(store)).toEqual(['replace']);
  });

  it('keeps retrying while other writers get in first, and wins on the 10th round', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    store.beforeNext('replace', () => store.put(bumped(store.peek(ID)!)), 9);

    const applied = await applyEvent(deps, ID, PAID);

    expect(applied).toMatchObject({ outcome: 'CHANGED', order: { status: 'PAID', version: 12 } });
    expect(writesTo(store)).toHaveLength(10);
  });

  it('gives up with ConcurrentUpdateError after 10 rounds of collisions, having written nothing', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    store.beforeNext('replace', () => store.put(bumped(store.peek(ID)!)), 10);

    await expect(applyEvent(deps, ID, PAID)).rejects.toBeInstanceOf(ConcurrentUpdateError);

    expect(writesTo(store)).toHaveLength(10);
    expect(store.peek(ID)).toMatchObject({ status: 'PENDING', version: 12 });
  });
});
