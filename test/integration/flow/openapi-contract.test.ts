import { http, useLocalApp } from '../../support/app';
import { documentedAnswers, type OpenApiDocument, ResponseValidator } from '../../support/openapi';
import { useReceiver } from '../../support/receiver';
import { redirectQuery, signedCallback } from '../../support/zalopay';

/**
 * The API document against the real API (docs/http-api.md §7): every route of the running local
 * runtime is driven to each answer it documents, and every answer (status, headers, body) must be
 * one the document it serves at /openapi.json describes. An answer it does not describe fails.
 */
// With a webhook (a receiver that takes everything), so that its dead-letter routes are served.
const receiver = useReceiver();
const app = useLocalApp({
  STATUS_CHECK_DELAY_SECONDS: '3600',
  RETURN_URL_ORIGINS: 'https://shop.example',
  get WEBHOOK_URL() {
    return receiver.url();
  },
});
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };
/** ZaloPay's answer to a create, awaited up to FAST_ENV's 2 s; a late one makes the 504. */
const ZALOPAY_LATE_MS = 2300;

let validator: ResponseValidator;

/** Sends a request, checks the answer against the document, and returns it. */
const exchange = async (
  method: 'GET' | 'POST',
  template: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) => {
  const res =
    method === 'GET'
      ? await api.get(path, options.headers)
      : await api.post(path, options.body, options.headers);
  expect(
    validator.problems({ method, path: template, status: res.status, headers: res.headers, text: res.text }),
  ).toEqual([]);
  return res;
};

const ORDER = '/orders/{appTransId}';
const created = async (body: Record<string, unknown> = { amount: 50_000 }) =>
  (await exchange('POST', '/orders', '/orders', { body })).body.appTransId as string;

beforeAll(async () => {
  const res = await api.get('/openapi.json');
  expect(res.status).toBe(200);
  validator = new ResponseValidator(res.body as OpenApiDocument);
  expect(validator.problems({ method: 'GET', path: '/openapi.json', ...res })).toEqual([]);
});

describe('every answer of the running API is one its document describes', () => {
  it('POST /orders: created, replayed, and each refusal', async () => {
    const key = { 'idempotency-key': `contract-${Date.now()}` };
    const body = {
      amount: 50_000,
      description: 'Đơn hàng #42',
      items: [{ id: 'cf', name: 'Cà phê sữa đá', price: 25_000, quantity: 2 }],
      returnUrl: 'https://shop.example/thanks',
      metadata: { cartId: 'c-42' },
    };
    expect((await exchange('POST', '/orders', '/orders', { body, headers: key })).status).toBe(201);
    const replay = await exchange('POST', '/orders', '/orders', { body, headers: key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const conflict = await exchange('POST', '/orders', '/orders', { body: { amount: 50_001 }, headers: key });
    expect(conflict.status).toBe(409);
    expect((await exchange('POST', '/orders', '/orders', { body: '{' })).body.error.code).toBe(
      'INVALID_JSON',
    );
    const invalid = await exchange('POST', '/orders', '/orders', { body: { amount: 1.5, extra: true } });
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    const huge = await exchange('POST', '/orders', '/orders', {
      body: { amount: 1, pad: 'x'.repeat(70_000) },
    });
    expect(huge.status).toBe(413);
  });

  it("POST /orders: ZaloPay's refusal and silence", async () => {
    app().emulator.injectFault('create', { type: 'code', returnCode: 2, subReturnCode: -54 });
    expect((await exchange('POST', '/orders', '/orders', { body: { amount: 50_000 } })).status).toBe(502);
    app().emulator.injectFault('create', { type: 'drop' });
    expect((await exchange('POST', '/orders', '/orders', { body: { amount: 50_000 } })).status).toBe(503);
    app().emulator.injectFault('create', { type: 'delay', ms: ZALOPAY_LATE_MS });
    expect((await exchange('POST', '/orders', '/orders', { body: { amount: 50_000 } })).status).toBe(504);
    await app().emulator.idle();
  });

  it('GET /orders/{appTransId}: now, after a long-poll, and refusals', async () => {
    const id = await created();
    expect((await exchange('GET', ORDER, `/orders/${id}`)).status).toBe(200);
    expect((await exchange('GET', ORDER, `/orders/${id}?wait=1&status=PAID`)).body.status).toBe('PENDING');
    expect((await exchange('GET', ORDER, `/orders/${id}?wait=99`)).status).toBe(400);
    expect((await exchange('GET', ORDER, `/orders/${id}?colour=red`)).status).toBe(400);
    expect((await exchange('GET', ORDER, '/orders/261128_DoesNotExist00000000000')).status).toBe(404);
    await app().emulator.pay(id);
    expect((await exchange('GET', ORDER, `/orders/${id}`, { headers: MERCHANT })).body.status).toBe('PAID');
  });

  it('GET /orders/{appTransId}/qr: the image, unchanged, gone, and refusals', async () => {
    const qr = `${ORDER}/qr`;
    const id = await created();
    const image = await exchange('GET', qr, `/orders/${id}/qr`);
    expect(image.status).toBe(200);
    const etag = image.headers.get('etag') ?? '';
    expect(
      (await exchange('GET', qr, `/orders/${id}/qr`, { headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
    expect((await exchange('GET', qr, `/orders/${id}/qr?format=gif`)).status).toBe(400);
    expect((await exchange('GET', qr, '/orders/261128_DoesNotExist00000000000/qr')).status).toBe(404);
    await app().emulator.pay(id);
    expect((await exchange('GET', qr, `/orders/${id}/qr`)).status).toBe(410);
  });

  it('the merchant routes: sync, history, reviews, with and without the key', async () => {
    const id = await created();
    const sync = `${ORDER}/sync`;
    const history = `${ORDER}/history`;
    expect((await exchange('POST', sync, `/orders/${id}/sync`)).status).toBe(401);
    expect((await exchange('POST', sync, `/orders/${id}/sync`, { headers: MERCHANT })).status).toBe(200);
    const missing = '/orders/261128_DoesNotExist00000000000';
    expect((await exchange('POST', sync, `${missing}/sync`, { headers: MERCHANT })).status).toBe(404);

    await app().emulator.pay(id);
    expect((await exchange('GET', history, `/orders/${id}/history`)).status).toBe(401);
    const read = await exchange('GET', history, `/orders/${id}/history`, { headers: MERCHANT });
    expect(read.body.transitions.length).toBeGreaterThan(0);
    expect((await exchange('GET', history, `${missing}/history`, { headers: MERCHANT })).status).toBe(404);

    // An order paid with another amount waits for a person.
    const mismatch = await created();
    await api.post('/zalopay/callback', signedCallback({ appTransId: mismatch, amount: 1_000 }));
    const reviews = await exchange('GET', '/reviews', '/reviews?limit=1', { headers: MERCHANT });
    expect(reviews.body.reviews).toHaveLength(1);
    expect((await exchange('GET', '/reviews', '/reviews')).status).toBe(401);
    expect((await exchange('GET', '/reviews', '/reviews?cursor=nope', { headers: MERCHANT })).status).toBe(
      400,
    );
  });

  it("the webhook's dead-letter routes: each answer, with and without the key", async () => {
    const list = '/webhooks/dead-letters';
    const replay = '/webhooks/dead-letters/replay';
    expect((await exchange('GET', list, list, { headers: MERCHANT })).body).toEqual({ deadLetters: [] });
    expect((await exchange('GET', list, list)).status).toBe(401);
    expect((await exchange('GET', list, `${list}?limit=0`, { headers: MERCHANT })).status).toBe(400);
    const ids = { ids: ['261128_NotDeadAtAll000000000000.2'] };
    expect((await exchange('POST', replay, replay, { body: ids, headers: MERCHANT })).body).toEqual({
      replayed: [],
    });
    expect((await exchange('POST', replay, replay, { body: ids })).status).toBe(401);
    expect((await exchange('POST', replay, replay, { body: '{', headers: MERCHANT })).status).toBe(400);
    const bad = await exchange('POST', replay, replay, { body: { ids: 'all' }, headers: MERCHANT });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const huge = await exchange('POST', replay, replay, {
      body: { ids: ['x'.repeat(70_000)] },
      headers: MERCHANT,
    });
    expect(huge.status).toBe(413);
  });

  it('POST /reconciliations: a page, the refusals', async () => {
    await created();
    const date = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const path = '/reconciliations';
    const page = await exchange('POST', path, path, { body: { date, limit: 1 }, headers: MERCHANT });
    expect(page.status).toBe(200);
    expect(page.body.rows).toHaveLength(1);
    expect((await exchange('POST', path, path, { body: { date } })).status).toBe(401);
    expect(
      (await exchange('POST', path, path, { body: { date: '2026-13-01' }, headers: MERCHANT })).status,
    ).toBe(400);
    expect((await exchange('POST', path, path, { body: 'nope', headers: MERCHANT })).status).toBe(400);
  });

  it('the refund and cancel routes: each answer, with and without the key', async () => {
    const refunds = `${ORDER}/refunds`;
    const one = `${ORDER}/refunds/{mRefundId}`;
    const cancel = `${ORDER}/cancel`;
    const key = (k: string) => ({ ...MERCHANT, 'idempotency-key': k });
    const missing = '/orders/261128_DoesNotExist00000000000';

    const open = await created();
    expect((await exchange('POST', refunds, `/orders/${open}/refunds`, { body: { amount: 1 } })).status).toBe(
      401,
    );
    const notPaid = { body: { amount: 1_000 }, headers: key(`np-${open}`) };
    expect((await exchange('POST', refunds, `/orders/${open}/refunds`, notPaid)).status).toBe(409);
    const noKey = { body: { amount: 1_000 }, headers: MERCHANT };
    expect((await exchange('POST', refunds, `/orders/${open}/refunds`, noKey)).status).toBe(400);
    const nobody = { body: { amount: 1_000 }, headers: key(`nf-${open}`) };
    expect((await exchange('POST', refunds, `${missing}/refunds`, nobody)).status).toBe(404);

    const paid = await created();
    await app().emulator.pay(paid);
    app().emulator.planRefund({ type: 'immediate' });
    const done = { body: { amount: 10_000 }, headers: key(`a-${paid}`) };
    const first = await exchange('POST', refunds, `/orders/${paid}/refunds`, done);
    expect(first.status).toBe(201);
    const pending = { body: { amount: 10_000 }, headers: key(`b-${paid}`) };
    expect((await exchange('POST', refunds, `/orders/${paid}/refunds`, pending)).status).toBe(202);
    const tooMuch = { body: { amount: 40_000 }, headers: key(`c-${paid}`) };
    expect((await exchange('POST', refunds, `/orders/${paid}/refunds`, tooMuch)).status).toBe(409);

    expect((await exchange('GET', refunds, `/orders/${paid}/refunds`, { headers: MERCHANT })).status).toBe(
      200,
    );
    expect((await exchange('GET', refunds, `/orders/${paid}/refunds`)).status).toBe(401);
    expect((await exchange('GET', refunds, `${missing}/refunds`, { headers: MERCHANT })).status).toBe(404);
    const mRefundId = first.body.refund.mRefundId as string;
    const oneRefund = `/orders/${paid}/refunds/${mRefundId}`;
    expect((await exchange('GET', one, oneRefund, { headers: MERCHANT })).status).toBe(200);
    expect((await exchange('GET', one, oneRefund)).status).toBe(401);
    expect(
      (await exchange('GET', one, `/orders/${paid}/refunds/261128_2553_none`, { headers: MERCHANT })).status,
    ).toBe(404);

    expect((await exchange('POST', cancel, `/orders/${open}/cancel`)).status).toBe(401);
    expect((await exchange('POST', cancel, `/orders/${open}/cancel`, { headers: MERCHANT })).status).toBe(
      200,
    );
    expect((await exchange('POST', cancel, `/orders/${paid}/cancel`, { headers: MERCHANT })).status).toBe(
      409,
    );
    expect((await exchange('POST', cancel, `${missing}/cancel`, { headers: MERCHANT })).status).toBe(404);
  });

  it("ZaloPay's callback: processed, duplicate, refused", async () => {
    const id = await created();
    const callback = signedCallback({ appTransId: id, amount: 50_000 });
    const answers = [];
    for (const body of [callback, callback, { ...callback, mac: '0'.repeat(64) }, 'not json']) {
      answers.push(
        (await exchange('POST', '/zalopay/callback', '/zalopay/callback', { body })).body.return_code,
      );
    }
    expect(answers).toEqual([1, 2, -1, -1]);
  });

  it("ZaloPay's redirect: on to the shop, and the pages a browser gets otherwise", async () => {
    const redirect = '/zalopay/redirect';
    const id = await created({ amount: 50_000, returnUrl: 'https://shop.example/thanks' });
    await app().emulator.pay(id);
    const on = await exchange(
      'GET',
      redirect,
      `${redirect}?${redirectQuery({ appTransId: id, amount: 50_000 })}`,
    );
    expect(on.status).toBe(302);
    expect(on.headers.get('location')).toMatch(/^https:\/\/shop\.example\/thanks\?/);
    expect((await exchange('GET', redirect, `${redirect}?apptransid=${id}`)).status).toBe(400);
    const unknown = redirectQuery({ appTransId: '261128_DoesNotExist00000000000', amount: 1 });
    expect((await exchange('GET', redirect, `${redirect}?${unknown}`)).status).toBe(404);
  });

  it('the demo pages and the document', async () => {
    expect((await exchange('GET', '/', '/')).status).toBe(200);
    expect((await exchange('GET', '/result', '/result?appTransId=x&status=PAID')).status).toBe(200);
    expect((await exchange('GET', '/openapi.json', '/openapi.json')).status).toBe(200);
  });

  it('an answer the document does not describe is caught', async () => {
    const res = await api.get('/orders/261128_DoesNotExist00000000000');
    const check = (changes: Partial<Parameters<ResponseValidator['problems']>[0]>) =>
      validator.problems({
        method: 'GET',
        path: ORDER,
        status: res.status,
        headers: res.headers,
        text: res.text,
        ...changes,
      });
    expect(check({})).toEqual([]);
    expect(check({ status: 418 })).toEqual(['GET /orders/{appTransId} 418: the status is not documented']);
    expect(check({ text: JSON.stringify({ error: { code: 'NOT_FOUND' } }) })[0]).toMatch(/message/);
    expect(check({ text: JSON.stringify({ error: { code: 'TEAPOT', message: 'x' } }) })[0]).toMatch(/code/);
    expect(check({ headers: new Headers({ 'content-type': 'application/json' }) })[0]).toMatch(
      /header Cache-Control is missing/,
    );
    expect(check({ headers: new Headers({ 'content-type': 'text/plain' }) }).join()).toMatch(/text\/plain/);
    expect(check({ method: 'DELETE' })).toEqual([
      'DELETE /orders/{appTransId}: no such operation in the document',
    ]);
  });

  it('every answer the document describes was seen, but for failures the local runtime cannot cause', () => {
    // Our own failures (500) need a broken store or a crash: the unit tests of the handlers cause them.
    const unreachable = (answer: string) => answer.endsWith(' 500');
    const missed = documentedAnswers(validator.document).filter(
      (a) => !validator.seen.has(a) && !unreachable(a),
    );
    expect(missed).toEqual([]);
  });
});
