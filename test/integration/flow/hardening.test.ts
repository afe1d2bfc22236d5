import { request } from 'node:http';
import { http, useLocalApp } from '../../support/app';
import { redirectQuery, signedCallback } from '../../support/zalopay';

/**
 * What an adversarial run of `npm start` broke (issue 7), each answered as docs/http-api.md says:
 * odd metadata keys, a broken path encoding, an open redirect, missing nosniff, unbounded bodies.
 */
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };

describe('metadata keys', () => {
  it('named like Object.prototype members are stored and returned as they were sent', async () => {
    const metadata = { constructor: 'x', toString: 'y', hasOwnProperty: 1, valueOf: true, cartId: 'c-42' };
    const { appTransId } = await api.createOrder({ amount: 50_000, metadata });

    expect((await app().store.get(appTransId))?.metadata).toEqual(metadata);
    const history = await api.get(`/orders/${appTransId}/history`, MERCHANT);
    expect(history.body.metadata).toEqual(metadata);
  });

  it.each([
    ['flat', '{"amount":50000,"metadata":{"__proto__":{"admin":true}}}', 'metadata.__proto__'],
    [
      'flat, with a text value',
      '{"amount":50000,"metadata":{"a":"b","__proto__":"x"}}',
      'metadata.__proto__',
    ],
    ['nested', '{"amount":50000,"metadata":{"a":{"__proto__":{"admin":true}}}}', 'metadata.a'],
  ])('named __proto__ (%s) are refused with 400, and nothing is stored', async (_what, body, path) => {
    const before = app().metrics.counts.get('OrderCreated') ?? 0;

    const res = await api.post('/orders', body);

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path })],
    });
    expect(app().metrics.counts.get('OrderCreated') ?? 0).toBe(before);
  });
});

describe('metadata numbers', () => {
  // Found by test/integration/flow/create-order.property.test.ts: the table refused them after the order was accepted.
  it.each(['9007199254740992', '1e308', '-9e-323'])(
    'that a store would round or refuse (%s) are a 400',
    async (n) => {
      const res = await api.post('/orders', `{"amount":50000,"metadata":{"n":${n}}}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'metadata.n', message: expect.any(String) }]);
    },
  );
});

describe('the request path', () => {
  it.each(['/orders/%E0%A4%A', '/orders/%ZZ/qr', '/orders/%C0%AF/history'])(
    '%s, not valid percent-encoded UTF-8, is a 400 with the error shape',
    async (path) => {
      const res = await api.get(path, MERCHANT);

      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'VALIDATION_FAILED', message: 'the request path has a malformed percent-encoding' },
      });
    },
  );
});

describe('returnUrl without RETURN_URL_ORIGINS', () => {
  it('may only lead back to our own origin; anything else is a 400 naming the setting', async () => {
    const elsewhere = await api.post('/orders', { amount: 50_000, returnUrl: 'https://evil.example/login' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.details).toEqual([
      { path: 'returnUrl', message: expect.stringMatching(/RETURN_URL_ORIGINS/) },
    ]);

    const home = await api.createOrder({ amount: 50_000, returnUrl: `${app().url}/thanks` });
    expect(home.status).toBe('PENDING');
  });

  it('a stored returnUrl whose origin is no longer allowed is not followed: the buyer lands on /result', async () => {
    // An order made while the allow-list still had this origin.
    const { appTransId } = await api.createOrder({ amount: 50_000, returnUrl: `${app().url}/thanks` });
    const stored = (await app().store.get(appTransId))!;
    await app().store.replace(
      { ...stored, version: stored.version + 1, returnUrl: 'https://old-shop.example/thanks' },
      stored,
    );
    app().emulator.cancel(appTransId);

    const res = await fetch(
      `${app().url}/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000 })}`,
      {
        redirect: 'manual',
      },
    );

    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${app().url}/result`);
  });
});

describe('X-Content-Type-Options: nosniff', () => {
  it('is on every kind of answer: JSON, errors, SVG, HTML pages, redirects, the emulator', async () => {
    const { appTransId, orderUrl } = await api.createOrder();
    const answers = await Promise.all(
      [
        `/orders/${appTransId}`,
        `/orders/${appTransId}/qr`,
        '/orders/261128_unknown',
        '/no-such-route',
        '/',
        '/zalopay/redirect',
        `/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000 })}`,
      ].map((path) => fetch(`${app().url}${path}`, { redirect: 'manual' })),
    );
    answers.push(await fetch(orderUrl));
    answers.push(await fetch(`${app().url}/zalopay/callback`, { method: 'POST', body: '{}' }));

    expect(answers.map((r) => [r.status, r.headers.get('x-content-type-options')])).toEqual(
      answers.map((r) => [r.status, 'nosniff']),
    );
    expect(answers[1]!.headers.get('content-type')).toBe('image/svg+xml');
  });

  it("the emulator's payment page allows its own script by hash, never 'unsafe-inline'", async () => {
    const { orderUrl } = await api.createOrder();

    const res = await fetch(orderUrl);

    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(await res.text()).toContain('<script>');
  });
});

describe('request bodies', () => {
  it('past 64 KB are refused at once, without waiting for (or keeping) the rest', async () => {
    const url = new URL('/orders', app().url);
    // 70 KB sent, 10 MB announced, and the request never ended: only a server that stops reading
    // at the limit can answer.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(`{"amount":50000,"description":"${'x'.repeat(70 * 1024)}`);
    });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('past 64 KB on the callback get ZaloPay’s -1, as behind the Function URL', async () => {
    const body = JSON.stringify({
      ...signedCallback({ appTransId: '261128_x', amount: 1000 }),
      pad: 'x'.repeat(70_000),
    });

    const res = await api.post('/zalopay/callback', body);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ return_code: -1, return_message: 'refused: malformed' });
  });
});

describe('the local server', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(app().address).toMatchObject({ address: '127.0.0.1' });
  });
});
