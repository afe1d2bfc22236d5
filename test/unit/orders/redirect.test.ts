import type { Order } from '../../../shared/core/orders/model';
import { handleRedirect } from '../../../shared/core/orders/redirect';
import { queryAnswer, useInMemoryWorld, writesTo } from '../../support/memory';
import { anOrder, at } from '../../support/orders';
import { redirectQuery } from '../../support/zalopay';

const world = useInMemoryWorld(at(240));

const ID = anOrder().appTransId;
/** The query string ZaloPay's gateway sends the buyer back with, as the handler receives it. */
const redirect = (p: { appTransId?: string; amount?: number; status?: number } = {}, key2?: string) =>
  Object.fromEntries(
    new URLSearchParams(redirectQuery({ appTransId: ID, amount: 50_000, ...p }, key2)),
  ) as Record<string, string>;

describe('handleRedirect', () => {
  it('a bad checksum is invalid, before any store read or ZaloPay query', async () => {
    const { deps, store, zalopay } = world();
    store.put(anOrder());

    const outcome = await handleRedirect(deps, redirect({}, 'not-our-key2'));

    expect(outcome).toEqual({ kind: 'invalid' });
    expect(store.calls).toEqual([]);
    expect(zalopay.calls).toEqual([]);
  });

  it('a redirect missing a signed field is invalid', async () => {
    const { deps, store } = world();
    const { pmcid: _missing, ...query } = redirect();

    expect(await handleRedirect(deps, query)).toEqual({ kind: 'invalid' });
    expect(store.calls).toEqual([]);
  });

  it('a valid redirect for a pending order answers with the order as ZaloPay reports it now', async () => {
    const { deps, store, zalopay } = world();
    store.put(anOrder());
    zalopay.script(
      'queryOrder',
      queryAnswer({ returnCode: 1, amount: 50_000, zpTransId: '261128000000007' }),
    );

    const outcome = await handleRedirect(deps, redirect());

    expect(outcome).toEqual({ kind: 'order', order: store.peek(ID) });
    expect(store.peek(ID)).toMatchObject({ status: 'PAID', settledBy: 'query' });
    expect(store.peekHistory(ID)).toMatchObject([{ kind: 'QUERY', trigger: 'redirect', outcome: 'CHANGED' }]);
    expect(zalopay.requestsOf('queryOrder')).toEqual([ID]);
  });

  it('is not proof of payment: a success redirect for an order ZaloPay says is unpaid leaves it PENDING', async () => {
    const { deps, store, zalopay } = world();
    store.put(anOrder());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3 }));

    const outcome = await handleRedirect(deps, redirect({ status: 1 }));

    expect(outcome).toEqual({ kind: 'order', order: anOrder() });
  });

  it('an on-demand check schedules no follow-up and leaves the recorded next check as it is', async () => {
    const { deps, store, zalopay, scheduler } = world();
    store.put(anOrder());
    zalopay.script('queryOrder', queryAnswer({ returnCode: 3, isProcessing: true }));

    await handleRedirect(deps, redirect());

    expect(scheduler.requests).toEqual([]);
    expect(store.peek(ID)?.nextCheck).toEqual(anOrder().nextCheck);
    expect(writesTo(store)).toEqual(['appendHistory']);
  });

  it('a settled order is answered as stored, without asking ZaloPay', async () => {
    const { deps, store } = world();
    const { nextCheck: _none, ...paid }: Order = anOrder({ status: 'PAID', version: 3 });
    store.put(paid);

    expect(await handleRedirect(deps, redirect({ status: -49 }))).toEqual({ kind: 'order', order: paid });
    expect(writesTo(store)).toEqual([]);
  });

  it('a valid redirect for an order we do not have says so, without asking ZaloPay', async () => {
    const { deps } = world();

    expect(await handleRedirect(deps, redirect({ appTransId: '261128_unknown' }))).toEqual({
      kind: 'unknown-order',
      appTransId: '261128_unknown',
    });
  });
});
