import { connect } from 'node:net';
import { http, useLocalApp } from '../../support/app';
import { decodeQrPng, PNG_TEST_TIMEOUT_MS } from '../../support/qr';

const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);

const newOrder = () => api.createOrder();

const decodePng = (bytes: ArrayBuffer): string | undefined => decodeQrPng(bytes).text;

/** An answer "at once" comes within this, far below the 15 and 20 s waits the tests ask for. */
const PROMPTLY_MS = 5_000;

describe('GET /orders/{appTransId}', () => {
  it('answers the public view, the same bytes every time', async () => {
    const { appTransId, orderUrl } = await newOrder();
    const first = await api.get(`/orders/${appTransId}`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      appTransId,
      status: 'PENDING',
      amount: 50_000,
      description: `Thanh toán đơn hàng ${appTransId}`,
      orderUrl,
      qrUrl: `${app().url}/orders/${appTransId}/qr`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      expiresAt: expect.any(String),
      refundedAmount: 0,
    });
    expect((await api.get(`/orders/${appTransId}`)).text).toBe(first.text);
    expect(first.headers.get('cache-control')).toBe('no-store');
  });

  it.each(['261128_DoesNotExist00000000000', 'abc', `261128_${'x'.repeat(2000)}`, '..%2F..%2Fetc', '%00'])(
    'any id that is not a stored order is 404: %s',
    async (id) => {
      const res = await api.get(`/orders/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    },
  );

  it('long-polls: answers as soon as the status moves', async () => {
    const { appTransId } = await newOrder();
    const waiting = api.get(`/orders/${appTransId}?wait=15&status=PENDING`);
    await app().emulator.pay(appTransId);
    const paid = Date.now();
    expect((await waiting).body.status).toBe('PAID');
    expect(Date.now() - paid).toBeLessThan(PROMPTLY_MS);
  });

  it('long-polls: answers at once when the status already differs, and after N s otherwise', async () => {
    const { appTransId } = await newOrder();
    let asked = Date.now();
    expect((await api.get(`/orders/${appTransId}?wait=20&status=PAID`)).body.status).toBe('PENDING');
    expect(Date.now() - asked).toBeLessThan(PROMPTLY_MS);
    asked = Date.now();
    expect((await api.get(`/orders/${appTransId}?wait=1&status=PENDING`)).body.status).toBe('PENDING');
    expect(Date.now() - asked).toBeLessThan(1_000 + PROMPTLY_MS);
  });

  it.each(['wait=21', 'wait=-1', 'wait=x', 'status=NOPE', 'wait=1&status=pending', 'foo=1'])(
    'refuses a bad long-poll query: %s',
    async (query) => {
      const { appTransId } = await newOrder();
      const res = await api.get(`/orders/${appTransId}?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    },
  );
});

describe('GET /orders/{appTransId}/qr', () => {
  it(
    'renders the order_url as a scannable PNG',
    async () => {
      const { appTransId, orderUrl } = await newOrder();
      const res = await fetch(`${app().url}/orders/${appTransId}/qr?format=png&size=300`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(decodePng(await res.arrayBuffer())).toBe(orderUrl);
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it(
    'renders the VietQR payload on request, and SVG by default',
    async () => {
      const { appTransId, qrCode } = await newOrder();
      const png = await fetch(`${app().url}/orders/${appTransId}/qr?format=png&content=vietqr`);
      expect(decodePng(await png.arrayBuffer())).toBe(qrCode);
      const svg = await fetch(`${app().url}/orders/${appTransId}/qr`);
      expect(svg.headers.get('content-type')).toBe('image/svg+xml');
      expect(await svg.text()).toMatch(/^<svg[^>]+width="320"/);
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it(
    'has an ETag, answers 304 to it, and is never cached past expiry',
    async () => {
      const { appTransId, expiresAt } = await newOrder();
      // The server computes max-age at some moment after this: from here it must not outlive expiry.
      const asked = Date.now();
      const res = await fetch(`${app().url}/orders/${appTransId}/qr`);
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get('cache-control')!)![1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(asked + maxAge * 1000).toBeLessThanOrEqual(Date.parse(expiresAt));
      const again = await fetch(`${app().url}/orders/${appTransId}/qr`, {
        headers: { 'if-none-match': etag },
      });
      expect(again.status).toBe(304);
      const png = await fetch(`${app().url}/orders/${appTransId}/qr?format=png`, {
        headers: { 'if-none-match': etag },
      });
      expect(png.status).toBe(200);
    },
    PNG_TEST_TIMEOUT_MS,
  );

  it('is 410 once the order is paid, 404 for an unknown order', async () => {
    const { appTransId } = await newOrder();
    await app().emulator.pay(appTransId);
    const gone = await api.get(`/orders/${appTransId}/qr`);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('ORDER_NOT_PAYABLE');
    expect((await api.get('/orders/261128_DoesNotExist00000000000/qr')).status).toBe(404);
  });

  it.each(['size=127', 'size=1025', 'margin=17', 'format=gif', 'content=other'])(
    'refuses %s',
    async (query) => {
      const { appTransId } = await newOrder();
      expect((await api.get(`/orders/${appTransId}/qr?${query}`)).status).toBe(400);
    },
  );
});

describe('demo pages and unknown routes', () => {
  it.each(['/', '/result?appTransId=x&status=PAID'])('serves %s as HTML with a strict CSP', async (path) => {
    const res = await fetch(`${app().url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    expect(await res.text()).toContain('ZaloPay QR demo');
  });

  it('answers an unknown route with our JSON 404, and a wrong method with 405', async () => {
    expect((await api.get('/nope')).body.error.code).toBe('NOT_FOUND');
    expect((await api.post('/zalopay/redirect')).status).toBe(405);
  });

  it('answers a request target that is not a URL with 400, and keeps serving', async () => {
    const { port } = new URL(app().url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end('GET http://[x HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"code":"VALIDATION_FAILED"');
    expect((await api.get('/nope')).status).toBe(404);
  });
});
