import { once } from 'node:events';
import { useNpmStart } from '../../support/npm-start';
import { SANDBOX } from '../../support/sandbox';
import { redirectQuery, signedCallback } from '../../support/zalopay';

/**
 * `npm start` as a user runs it (tsx, a real process, real ports), driven through a whole flow with
 * every log level on. Whatever it prints must never contain a key.
 */
describe('npm start', () => {
  const runtime = useNpmStart(() => ({
    LOG_LEVEL: 'DEBUG',
    // Long enough that no check of the first order runs before its callback arrives (a check
    // would settle it first, and the callback would only be acknowledged): creating and paying
    // take ~3 s on a loaded machine. The second order's check still comes well within its
    // 20 s long-poll.
    STATUS_CHECK_DELAY_SECONDS: '10',
    STATUS_RECHECK_SECONDS: '0.1',
    MERCHANT_API_KEY: 'local-merchant-secret-123',
  }));

  // Waits out STATUS_CHECK_DELAY_SECONDS in a real process: the limit leaves room for a loaded machine.
  it('serves the whole flow, prints no key, and stops cleanly on Ctrl-C', async () => {
    const url = runtime.url();
    const output = runtime.output;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers, redirect: 'manual' });

    // Paid, callback delivered, browser redirected.
    const paid = await (await post('/orders', { amount: 50_000, description: 'Cà phê' })).json();
    const page = await (await fetch(paid.orderUrl)).text();
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const pay = await fetch(`${url}/emulator/openinapp/pay`, {
      method: 'POST',
      body: new URLSearchParams({ token, action: 'pay', callback: 'deliver' }),
      redirect: 'manual',
    });
    const landing = await fetch(pay.headers.get('location')!, { redirect: 'manual' });
    expect(new URL(landing.headers.get('location')!).searchParams.get('status')).toBe('PAID');

    // Paid, callback lost: the status check finds it.
    const lost = await (await post('/orders', { amount: 60_000 })).json();
    const lostPage = await (await fetch(lost.orderUrl)).text();
    await fetch(`${url}/emulator/openinapp/pay`, {
      method: 'POST',
      body: new URLSearchParams({
        token: /name="token" value="([^"]+)"/.exec(lostPage)![1]!,
        action: 'pay',
        callback: 'lost',
      }),
      redirect: 'manual',
    });
    const settled = await (await fetch(`${url}/orders/${lost.appTransId}?wait=20&status=PENDING`)).json();
    expect(settled).toMatchObject({ status: 'PAID', settledBy: 'query' });

    // Error paths log too: forged callback, bad redirect, bad input, wrong API key, sync.
    expect(
      await (
        await post(
          '/zalopay/callback',
          signedCallback({ appTransId: paid.appTransId, amount: 1 }, 'x'.repeat(32)),
        )
      ).json(),
    ).toMatchObject({ return_code: -1 });
    expect(
      (
        await fetch(
          `${url}/zalopay/redirect?${redirectQuery({ appTransId: paid.appTransId, amount: 1 }, 'bad')}`,
        )
      ).status,
    ).toBe(400);
    expect((await post('/orders', { amount: 'x' })).status).toBe(400);
    expect((await post(`/orders/${paid.appTransId}/sync`, {}, { 'x-api-key': 'wrong' })).status).toBe(401);
    expect(
      (await post(`/orders/${paid.appTransId}/sync`, {}, { 'x-api-key': 'local-merchant-secret-123' }))
        .status,
    ).toBe(200);

    // The API document of this very runtime, named in the banner, with no key in it.
    expect(output()).toContain(`API document    ${url}/openapi.json`);
    const document = await (await fetch(`${url}/openapi.json`)).text();
    expect(JSON.parse(document)).toMatchObject({
      openapi: expect.stringMatching(/^3\.1\./),
      servers: [{ url }],
    });

    runtime.child().kill('SIGINT');
    const [code] = await once(runtime.child(), 'exit');
    expect(code).toBe(0);
    expect(output()).toContain('shutting down');
    expect(output()).toContain('"message":"callback applied"');
    expect(output()).toContain('"message":"http"');
    for (const secret of [SANDBOX.key1, SANDBOX.key2, 'local-merchant-secret-123']) {
      expect(output()).not.toContain(secret);
      expect(document).not.toContain(secret);
    }
  }, 60_000);
});
