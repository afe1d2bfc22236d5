import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ZaloPayGateway } from '../../../shared/core/zalopay/types';
import { http, useLocalApp } from '../../support/app';

/** Counts the create calls our API makes to ZaloPay. */
let creates = 0;
const counting = (client: ZaloPayGateway): ZaloPayGateway => ({
  createOrder: (r) => {
    creates++;
    return client.createOrder(r);
  },
  queryOrder: (id) => client.queryOrder(id),
  refund: (r) => client.refund(r),
  queryRefund: (id) => client.queryRefund(id),
});

// ZaloPay's answer is awaited 2 s, as in the other flow tests: a normal one takes far less even on
// a loaded machine; the delayed one of the timeout tests (ZALOPAY_LATE_MS) comes after it.
const ZALOPAY_LATE_MS = 2300;
const app = useLocalApp(
  {
    STATUS_CHECK_DELAY_SECONDS: '3600',
    ZALOPAY_TIMEOUT_MS: '2000',
    RETURN_URL_ORIGINS: 'https://shop.example',
  },
  { wrapZaloPay: counting },
);
const api = http(() => app().url);

const storedItems = async () =>
  (await app().dynamo.client.send(new ScanCommand({ TableName: app().dynamo.tableName }))).Items ?? [];

const ok = { amount: 50_000 };
const item = { name: 'Cà phê sữa đá', price: 25_000, quantity: 2 };

describe('POST /orders refuses bad input with a 4xx, before anything is stored or sent', () => {
  const cases: Array<[name: string, status: number, code: string, path: string | undefined, body: unknown]> =
    [
      ['broken JSON', 400, 'INVALID_JSON', undefined, '{"amount":'],
      ['an empty body', 400, 'INVALID_JSON', undefined, ''],
      ['a form-encoded body', 400, 'INVALID_JSON', undefined, 'amount=50000'],
      ['a JSON array', 400, 'VALIDATION_FAILED', undefined, [ok]],
      ['a JSON string', 400, 'VALIDATION_FAILED', undefined, 'null'],
      ['no amount', 400, 'VALIDATION_FAILED', 'amount', {}],
      ['an amount as a string', 400, 'VALIDATION_FAILED', 'amount', { amount: '50000' }],
      ['a fractional amount', 400, 'VALIDATION_FAILED', 'amount', { amount: 50_000.5 }],
      ['an amount under AMOUNT_MIN', 400, 'VALIDATION_FAILED', 'amount', { amount: 999 }],
      ['an amount over AMOUNT_MAX', 400, 'VALIDATION_FAILED', 'amount', { amount: 50_000_001 }],
      ['a negative amount', 400, 'VALIDATION_FAILED', 'amount', { amount: -50_000 }],
      ['an amount of 1e21', 400, 'VALIDATION_FAILED', 'amount', '{"amount":1e21}'],
      [
        'a 257-character description',
        400,
        'VALIDATION_FAILED',
        'description',
        { ...ok, description: 'a'.repeat(257) },
      ],
      ['an empty description', 400, 'VALIDATION_FAILED', 'description', { ...ok, description: '' }],
      [
        'a control character in the description',
        400,
        'VALIDATION_FAILED',
        'description',
        { ...ok, description: 'a\u0000b' },
      ],
      ['a number as description', 400, 'VALIDATION_FAILED', 'description', { ...ok, description: 5 }],
      ['a 51-character appUser', 400, 'VALIDATION_FAILED', 'appUser', { ...ok, appUser: 'u'.repeat(51) }],
      [
        'items not adding up to the amount',
        400,
        'VALIDATION_FAILED',
        'items',
        { amount: 60_000, items: [item] },
      ],
      [
        'an item without a name',
        400,
        'VALIDATION_FAILED',
        'items[0].name',
        { amount: 25_000, items: [{ price: 25_000, quantity: 1 }] },
      ],
      [
        'an item of quantity 0',
        400,
        'VALIDATION_FAILED',
        'items[0].quantity',
        { amount: 0 + 1000, items: [{ ...item, price: 1000, quantity: 0 }] },
      ],
      [
        'an unknown field in an item',
        400,
        'VALIDATION_FAILED',
        'items[0]',
        { amount: 50_000, items: [{ ...item, sku: 'x' }] },
      ],
      ['an unknown field', 400, 'VALIDATION_FAILED', undefined, { ...ok, currency: 'VND' }],
      [
        'a javascript: returnUrl',
        400,
        'VALIDATION_FAILED',
        'returnUrl',
        { ...ok, returnUrl: 'javascript:alert(1)' },
      ],
      [
        'a returnUrl that is not a URL',
        400,
        'VALIDATION_FAILED',
        'returnUrl',
        { ...ok, returnUrl: 'shop/thanks' },
      ],
      [
        'an expiry under 300 s',
        400,
        'VALIDATION_FAILED',
        'expireDurationSeconds',
        { ...ok, expireDurationSeconds: 299 },
      ],
      [
        'an expiry over a day',
        400,
        'VALIDATION_FAILED',
        'expireDurationSeconds',
        { ...ok, expireDurationSeconds: 86_401 },
      ],
      [
        'nested metadata',
        400,
        'VALIDATION_FAILED',
        'metadata.cart',
        { ...ok, metadata: { cart: { id: 1 } } },
      ],
      [
        'metadata over 2 KB',
        400,
        'VALIDATION_FAILED',
        'metadata',
        {
          ...ok,
          metadata: {
            a: 'x'.repeat(500),
            b: 'x'.repeat(500),
            c: 'x'.repeat(500),
            d: 'x'.repeat(500),
            e: 'x'.repeat(500),
          },
        },
      ],
      ['a bankCode with symbols', 400, 'VALIDATION_FAILED', 'bankCode', { ...ok, bankCode: 'zalo pay!' }],
      ['a 70 KB body', 413, 'PAYLOAD_TOO_LARGE', undefined, { ...ok, description: 'x'.repeat(70 * 1024) }],
    ];

  it.each(cases)('%s → %i %s', async (_name, status, code, path, body) => {
    const before = (await storedItems()).length;
    const createsBefore = creates;
    const res = await api.post('/orders', typeof body === 'string' ? body : JSON.stringify(body), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(creates).toBe(createsBefore);
    expect((await storedItems()).length).toBe(before);
  });

  it('an Idempotency-Key over 255 characters is refused', async () => {
    const res = await api.post('/orders', ok, { 'idempotency-key': 'k'.repeat(256) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
  });

  it('accepts a full, valid body', async () => {
    const res = await api.post('/orders', {
      amount: 50_000,
      description: 'Đơn hàng #42',
      appUser: 'khach-42',
      items: [item],
      returnUrl: 'https://shop.example/thanks',
      bankCode: 'zalopayapp',
      expireDurationSeconds: 600,
      metadata: { cartId: 'c-42', gift: false, note: null, count: 2 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      appTransId: expect.stringMatching(/^\d{6}_[0-9A-Za-z]{22}$/),
      status: 'PENDING',
      amount: 50_000,
      description: 'Đơn hàng #42',
      orderUrl: expect.stringContaining('/openinapp?order='),
      qrCode: expect.stringMatching(/^000201/),
      zpTransToken: expect.any(String),
      qrUrl: `${app().url}/orders/${res.body.appTransId}/qr`,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      statusCheckAt: expect.any(String),
    });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(600_000);
  });
});

describe('ZaloPay failing on create', () => {
  const create = async () => {
    const createsBefore = creates;
    const res = await api.post('/orders', ok);
    expect(creates).toBe(createsBefore + 1); // never retried inside the request
    return res;
  };

  it.each([
    [{ type: 'delay', ms: ZALOPAY_LATE_MS } as const, 504],
    [{ type: 'drop' } as const, 503],
    [{ type: 'garbage' } as const, 503],
    [{ type: 'http', status: 500 } as const, 503],
  ])('%o → %i ZALOPAY_UNAVAILABLE, the order stays CREATING for the status check', async (fault, status) => {
    app().emulator.injectFault('create', fault);
    const res = await create();
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code: 'ZALOPAY_UNAVAILABLE', appTransId: expect.any(String) });
    const stored = await app().store.get(res.body.error.appTransId);
    expect(stored).toMatchObject({ status: 'CREATING', nextCheck: { attempt: 1 } });
    expect((await api.get(`/orders/${res.body.error.appTransId}`)).body.status).toBe('CREATING');
  });

  it('an order ZaloPay never received is settled FAILED by the status check', async () => {
    app().emulator.injectFault('create', { type: 'garbage' });
    const { appTransId } = (await create()).body.error;
    await app().checkStatus({ appTransId, attempt: 1 });
    expect((await app().store.get(appTransId))?.status).toBe('FAILED');
  });

  it('an order ZaloPay did create while we timed out is followed, then settled', async () => {
    app().emulator.injectFault('create', { type: 'delay', ms: ZALOPAY_LATE_MS });
    const { appTransId } = (await create()).body.error;
    await app().emulator.idle();
    await app().checkStatus({ appTransId, attempt: 1 });
    expect(await app().store.get(appTransId)).toMatchObject({
      status: 'CREATING',
      nextCheck: { attempt: 2 },
    });
    await app().emulator.pay(appTransId, { callback: 'lost' });
    await app().checkStatus({ appTransId, attempt: 2 });
    expect((await app().store.get(appTransId))?.status).toBe('PAID');
  });

  it.each([
    [-500, -500],
    [2, -68],
    [2, -401],
    [-999, -999],
  ])(
    'return_code %i / sub %i → 502 ZALOPAY_REJECTED with the codes, order FAILED',
    async (returnCode, sub) => {
      app().emulator.injectFault('create', { type: 'code', returnCode, subReturnCode: sub });
      const res = await create();
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({
        code: 'ZALOPAY_REJECTED',
        returnCode,
        subReturnCode: sub,
        subReturnMessage: expect.any(String),
      });
      expect((await app().store.get(res.body.error.appTransId))?.status).toBe('FAILED');
    },
  );
});

describe('Idempotency-Key', () => {
  it('the same key and body replay the same order without a second ZaloPay call', async () => {
    const headers = { 'idempotency-key': `k-${Math.random()}` };
    const first = await api.post('/orders', { amount: 60_000, description: 'x' }, headers);
    const createsAfterFirst = creates;
    const again = await api.post('/orders', { description: 'x', amount: 60_000 }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(creates).toBe(createsAfterFirst);
  });

  it('the same key with another body is a conflict', async () => {
    const headers = { 'idempotency-key': `k-${Math.random()}` };
    await api.post('/orders', { amount: 60_000 }, headers);
    const res = await api.post('/orders', { amount: 60_001 }, headers);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('a key whose attempt failed may be used again', async () => {
    const headers = { 'idempotency-key': `k-${Math.random()}` };
    app().emulator.injectFault('create', { type: 'code', returnCode: -500, subReturnCode: -500 });
    expect((await api.post('/orders', ok, headers)).status).toBe(502);
    expect((await api.post('/orders', ok, headers)).status).toBe(201);
  });

  it('a second request while the first is still running is told so, then gets the replay', async () => {
    const headers = { 'idempotency-key': `k-${Math.random()}` };
    app().emulator.injectFault('create', { type: 'delay', ms: 150 });
    const first = api.post('/orders', ok, headers);
    const second = await api.post('/orders', ok, headers);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/in progress/);
    const done = await first;
    expect(done.status).toBe(201);
    expect((await api.post('/orders', ok, headers)).text).toBe(done.text);
  });
});
