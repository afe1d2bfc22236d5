import type { HistoryEntry } from '../../../shared/core/orders/model';
import type { ScheduledCheck, StatusCheckScheduler } from '../../../shared/core/ports/scheduler';
import { http, useLocalApp } from '../../support/app';
import { SANDBOX } from '../../support/sandbox';
import { waitFor } from '../../support/wait';
import { redirectQuery, signedCallback } from '../../support/zalopay';

// No scheduled check in these tests: each asserts what the callback, the redirect or a merchant
// call does alone, and a check landing in between (on a loaded machine a short delay elapses
// before the test pays) would settle or bump the order first. The status check on its schedule
// has its own app below.
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600', RETURN_URL_ORIGINS: 'https://shop.example' });
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };

const createOrder = api.createOrder;
const historyOn =
  (client: ReturnType<typeof http>) =>
  async (id: string): Promise<HistoryEntry[]> => {
    const res = await client.get(`/orders/${id}/history`, MERCHANT);
    return res.body.history;
  };
const history = historyOn(api);
const postCallback = async (body: unknown) => {
  const res = await api.post('/zalopay/callback', body);
  expect(res.status).toBe(200);
  return res.body as { return_code: number; return_message: string };
};

describe('the QR payment flow, end to end on loopback', () => {
  it('paid via callback: the order is PAID, settled by the callback, with its history', async () => {
    const { appTransId } = await createOrder();
    expect((await api.get(`/orders/${appTransId}`)).body.status).toBe('PENDING');

    await app().emulator.pay(appTransId);

    const order = (await api.get(`/orders/${appTransId}`)).body;
    expect(order).toMatchObject({ status: 'PAID', settledBy: 'callback', amount: 50_000 });
    expect(order.zpTransId).toMatch(/^\d{15}$/);
    expect(app().emulator.callbackLog.filter((a) => a.appTransId === appTransId)).toEqual([
      expect.objectContaining({ attempt: 1, returnCode: 1 }),
    ]);
    expect(await history(appTransId)).toEqual([
      expect.objectContaining({ kind: 'CALLBACK', outcome: 'CHANGED', from: 'PENDING', to: 'PAID' }),
    ]);
  });

  it('a duplicate callback answers 2 and changes nothing', async () => {
    const { appTransId } = await createOrder();
    await app().emulator.pay(appTransId);
    const before = await app().store.get(appTransId);
    const delivered = app().emulator.callbackLog.find((a) => a.appTransId === appTransId)!;

    expect(await postCallback(JSON.parse(delivered.body))).toEqual({
      return_code: 2,
      return_message: 'already processed',
    });
    expect(await app().store.get(appTransId)).toEqual(before);
  });

  it('a forged or malformed callback answers -1 and changes nothing', async () => {
    const { appTransId } = await createOrder();
    const before = await app().store.get(appTransId);
    const genuine = signedCallback({ appTransId, amount: 50_000 });
    const forgeries: unknown[] = [
      {
        ...genuine,
        mac: signedCallback({ appTransId, amount: 50_000 }, 'an-attacker-guess-at-key2-000000').mac,
      },
      { ...genuine, mac: signedCallback({ appTransId, amount: 50_000 }, SANDBOX.key1).mac },
      { ...genuine, mac: genuine.mac.toUpperCase() },
      { ...genuine, mac: '' },
      { data: genuine.data, type: 1 },
      { ...genuine, data: genuine.data.replace('50000', '5000') },
      signedCallback({ appTransId, amount: 50_000 }, SANDBOX.key2, 2),
      signedCallback({ appTransId, amount: 50_000, appId: 554 }),
      { data: 'not json', mac: signedCallback({ appTransId, amount: 1 }).mac.replace(/./g, '0'), type: 1 },
      [genuine],
      'just a string',
      null,
    ];
    for (const body of forgeries) {
      expect(await postCallback(body)).toMatchObject({ return_code: -1 });
    }
    for (const raw of ['', '{', 'data=x&mac=y']) {
      expect(await postCallback(raw)).toMatchObject({ return_code: -1 });
    }
    expect(await app().store.get(appTransId)).toEqual(before);
    expect(await app().store.history(appTransId)).toEqual([]);
  });

  it('a callback signed over non-JSON data is kept for a person, never refused nor retried', async () => {
    const data = '{"app_id":2553,"app_trans_id":';
    const { callbackMac } = await import('../../../shared/core/zalopay/mac');
    const body = { data, mac: callbackMac(SANDBOX.key2, data), type: 1 };
    expect(await postCallback(body)).toMatchObject({ return_code: 1 });
    expect(await postCallback(body)).toMatchObject({ return_code: 2 });
  });

  it('a genuine callback with another amount sends the order to REVIEW', async () => {
    const { appTransId } = await createOrder();
    expect(await postCallback(signedCallback({ appTransId, amount: 5_000 }))).toMatchObject({
      return_code: 1,
    });
    expect((await api.get(`/orders/${appTransId}`)).body).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'AMOUNT_MISMATCH' },
    });
  });

  it('a genuine callback for an order we never stored is kept as an orphan for review', async () => {
    const appTransId = '261128_OrphanOrderWeNeverMade000';
    expect(await postCallback(signedCallback({ appTransId, amount: 77_000 }))).toMatchObject({
      return_code: 1,
    });
    expect(await postCallback(signedCallback({ appTransId, amount: 77_000 }))).toMatchObject({
      return_code: 2,
    });
    expect((await api.get(`/orders/${appTransId}`)).body).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'ORPHAN_PAYMENT' },
      amount: 77_000,
    });
  });

  it('paying on the emulator page sends the browser through our redirect to the result page', async () => {
    const { appTransId, orderUrl } = await createOrder();
    const page = await fetch(orderUrl);
    expect(page.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(await page.text())![1]!;
    const paid = await fetch(`${app().url}/emulator/openinapp/pay`, {
      method: 'POST',
      body: new URLSearchParams({ token, action: 'pay', callback: 'deliver' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const redirect = new URL(paid.headers.get('location')!);
    expect(redirect.pathname).toBe('/zalopay/redirect');

    const landing = await fetch(redirect, { redirect: 'manual' });
    expect(landing.status).toBe(302);
    const result = new URL(landing.headers.get('location')!);
    expect(`${result.origin}${result.pathname}`).toBe(`${app().url}/result`);
    expect(Object.fromEntries(result.searchParams)).toEqual({ appTransId, status: 'PAID' });
    expect((await fetch(result)).status).toBe(200);
  });
});

describe('the status check on its schedule', () => {
  // The first check of each order waits here until the test has set up the payment, then runs on
  // the scheduler's timer like every follow-up: with a fixed delay, a loaded machine could run it
  // before the test pays (even before POST /orders answers), and it would find nothing.
  const held = new Map<string, ScheduledCheck>();
  let scheduler: StatusCheckScheduler | undefined;
  const holdingFirstChecks = (inner: StatusCheckScheduler): StatusCheckScheduler => {
    scheduler = inner;
    return {
      schedule: async (check) => {
        if (check.attempt === 1) held.set(check.appTransId, check);
        else await inner.schedule(check);
      },
    };
  };
  const checked = useLocalApp({}, { wrapScheduler: holdingFirstChecks });
  const checkedApi = http(() => checked().url);
  const checkedHistory = historyOn(checkedApi);
  /** Hands the order's first check, due already, to the scheduler: it runs at once. */
  const releaseFirstCheck = async (appTransId: string) => {
    const check = held.get(appTransId);
    if (!check || !scheduler) throw new Error(`no first check was scheduled for ${appTransId}`);
    await scheduler.schedule(check);
  };

  it('paid but the callback is lost: the status check finds the payment', async () => {
    const { appTransId } = await checkedApi.createOrder();
    await checked().emulator.pay(appTransId, { callback: 'lost' });
    await releaseFirstCheck(appTransId);

    const res = await checkedApi.get(`/orders/${appTransId}?wait=10&status=PENDING`);

    expect(res.body).toMatchObject({ status: 'PAID', settledBy: 'query' });
    expect(await checkedHistory(appTransId)).toEqual([
      expect.objectContaining({ kind: 'QUERY', trigger: 'schedule', outcome: 'CHANGED', to: 'PAID' }),
    ]);
  });

  it('processing: follow-up checks run until ZaloPay gives a final answer', async () => {
    const { appTransId } = await checkedApi.createOrder();
    checked().emulator.startProcessing(appTransId);
    await releaseFirstCheck(appTransId);

    const processing = (h: HistoryEntry[]) =>
      h.filter((e) => e.kind === 'QUERY' && e.detail.isProcessing === true);
    await waitFor(async () => processing(await checked().store.history(appTransId)).length >= 3, {
      what: 'three follow-up checks while processing',
      // Three checks of a few milliseconds each; a loaded machine took over 5 s.
      timeoutMs: 20_000,
    });
    expect((await checkedApi.get(`/orders/${appTransId}`)).body.status).toBe('PENDING');
    await checked().emulator.finishProcessing(appTransId, 'paid', { callback: 'lost' });

    const res = await checkedApi.get(`/orders/${appTransId}?wait=10&status=PENDING`);
    expect(res.body).toMatchObject({ status: 'PAID', settledBy: 'query' });
    const attempts = (await checked().store.history(appTransId)).map((e) => e.outcome);
    expect(attempts.at(-1)).toBe('CHANGED');
    expect(attempts.filter((o) => o === 'CHANGED')).toHaveLength(1);
  });
});

describe('redirect', () => {
  it('a bad checksum gets an HTML error page with status 400, never a success', async () => {
    const { appTransId } = await createOrder();
    const query = new URLSearchParams(redirectQuery({ appTransId, amount: 50_000 }));
    query.set('status', '1');
    query.set('amount', '1000');
    const res = await fetch(`${app().url}/zalopay/redirect?${query}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).not.toMatch(/PAID|thành công/i);
    expect((await fetch(`${app().url}/zalopay/redirect`, { redirect: 'manual' })).status).toBe(400);
  });

  it('a valid redirect checks a pending order with ZaloPay at once, then goes to the returnUrl', async () => {
    const { appTransId } = await createOrder({
      amount: 50_000,
      returnUrl: 'https://shop.example/thanks?cart=42',
    });
    await app().emulator.pay(appTransId, { callback: 'lost' });
    const res = await fetch(
      `${app().url}/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000 })}`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://shop.example/thanks');
    expect(Object.fromEntries(location.searchParams)).toEqual({ cart: '42', appTransId, status: 'PAID' });
    expect(await history(appTransId)).toEqual([
      expect.objectContaining({ kind: 'QUERY', trigger: 'redirect' }),
    ]);
  });

  it('the redirect status is not proof: a cancelled payment is whatever ZaloPay says', async () => {
    const { appTransId } = await createOrder();
    app().emulator.cancel(appTransId);
    const res = await fetch(
      `${app().url}/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000, status: 1 })}`,
      {
        redirect: 'manual',
      },
    );
    expect(new URL(res.headers.get('location')!).searchParams.get('status')).toBe('FAILED');
  });
});

describe('merchant routes', () => {
  it('sync and history need the x-api-key', async () => {
    const { appTransId } = await createOrder();
    for (const headers of [{}, { 'x-api-key': 'wrong' }, { 'x-api-key': '' }] as Record<string, string>[]) {
      expect((await api.post(`/orders/${appTransId}/sync`, undefined, headers)).body.error.code).toBe(
        'UNAUTHORIZED',
      );
      expect((await api.get(`/orders/${appTransId}/history`, headers)).status).toBe(401);
    }
  });

  it('sync queries ZaloPay now and returns the order', async () => {
    const { appTransId } = await createOrder();
    await app().emulator.pay(appTransId, { callback: 'lost' });
    const res = await api.post(`/orders/${appTransId}/sync`, undefined, MERCHANT);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ appTransId, status: 'PAID', settledBy: 'query' });
    expect((await api.post('/orders/261128_unknown/sync', undefined, MERCHANT)).status).toBe(404);
  });
});
