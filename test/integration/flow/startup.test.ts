import { type LocalApp, startLocalApp } from '../../../local/app';
import { FAST_ENV } from '../../support/app';
import { signedCallback } from '../../support/zalopay';

/** What the local runtime answers between binding its port and being ready (issue 7, item 4). */
describe('start-up', () => {
  let app: LocalApp | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it('answers 503 with Retry-After until ready, and a callback 0 so that ZaloPay calls again', async () => {
    const during: { path: string; status: number; retryAfter: string | null; body: unknown }[] = [];
    const ask = async (base: string, path: string, init?: RequestInit) => {
      const res = await fetch(`${base}${path}`, init);
      during.push({
        path,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: await res.json(),
      });
    };

    app = await startLocalApp({
      env: { ...FAST_ENV, LOG_LEVEL: 'SILENT' },
      whileStarting: async (base) => {
        await ask(base, '/orders', { method: 'POST', body: '{"amount":50000}' });
        await ask(base, '/zalopay/callback', {
          method: 'POST',
          body: JSON.stringify(signedCallback({ appTransId: '261128_early', amount: 50_000 })),
        });
      },
    });

    expect(during).toEqual([
      {
        path: '/orders',
        status: 503,
        retryAfter: '1',
        body: { error: { code: 'STARTING_UP', message: expect.any(String) } },
      },
      {
        path: '/zalopay/callback',
        status: 503,
        retryAfter: '1',
        body: { return_code: 0, return_message: 'starting up, please retry' },
      },
    ]);
    // Ready: the same requests are served.
    expect((await fetch(`${app.url}/orders`, { method: 'POST', body: '{"amount":50000}' })).status).toBe(201);
  });

  it('a start-up that fails leaves nothing listening', async () => {
    let bound: string | undefined;
    await expect(
      startLocalApp({
        env: { ...FAST_ENV },
        whileStarting: async (base) => {
          bound = base;
          throw new Error('dynalite would not start');
        },
      }),
    ).rejects.toThrow('dynalite would not start');
    await expect(fetch(`${bound}/orders`)).rejects.toThrow();
  });
});
