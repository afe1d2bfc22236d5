import { http, useLocalApp } from '../../support/app';
import { signedCallback } from '../../support/zalopay';

/**
 * The orders that wait for a person (docs/http-api.md §5): orphan payments under any id ZaloPay
 * may send, amount mismatches, payments after close, signed callbacks we cannot read, listed by
 * `GET /reviews` from a sparse index and readable one by one by the merchant.
 */
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };

const deliver = (body: unknown) => api.post('/zalopay/callback', body);
const listAll = async (limit: number) => {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api.get(`/reviews${query}`, MERCHANT);
    expect(res.status).toBe(200);
    pages.push(res.body.reviews.map((r: { appTransId: string }) => r.appTransId));
    cursor = res.body.nextCursor;
  } while (cursor);
  return pages;
};

describe('an orphan payment under an id we never issued', () => {
  const id = 'shop-42/order#7';
  const path = `/orders/${encodeURIComponent(id)}`;

  beforeAll(async () => {
    expect((await deliver(signedCallback({ appTransId: id, amount: 12_000 }))).body.return_code).toBe(1);
  });

  it('is readable by the merchant, order and history, and by nobody else', async () => {
    expect((await api.get(path)).status).toBe(404);
    expect((await api.get(path, { 'x-api-key': 'wrong' })).status).toBe(404);

    const order = await api.get(path, MERCHANT);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      appTransId: id,
      status: 'REVIEW',
      review: { reason: 'ORPHAN_PAYMENT' },
    });

    const history = await api.get(`${path}/history`, MERCHANT);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({
      appTransId: id,
      status: 'REVIEW',
      transitions: [{ to: 'REVIEW', trigger: 'callback', review: 'ORPHAN_PAYMENT' }],
      history: [{ kind: 'CALLBACK', outcome: 'CREATED' }],
    });
  });

  it('an id longer than any ZaloPay sends is 404, key or not', async () => {
    expect((await api.get(`/orders/${'a'.repeat(41)}`, MERCHANT)).status).toBe(404);
    expect((await api.get(`/orders/${'a'.repeat(41)}/history`, MERCHANT)).status).toBe(404);
  });
});

describe('GET /reviews', () => {
  it('needs the x-api-key', async () => {
    expect((await api.get('/reviews')).status).toBe(401);
  });

  it('lists orders waiting for a person, newest first, a page at a time, and nothing else', async () => {
    const settled = await api.createOrder({ amount: 20_000 });
    await app().emulator.pay(settled.appTransId);
    const mismatch = await api.createOrder({ amount: 30_000 });
    await deliver(signedCallback({ appTransId: mismatch.appTransId, amount: 1_000 }));
    const orphans = ['260101_orphanA', '260101_orphanB'];
    for (const appTransId of orphans) await deliver(signedCallback({ appTransId, amount: 5_000 }));

    const pages = await listAll(1);
    const listed = pages.flat();

    expect(pages.every((p) => p.length <= 1)).toBe(true);
    expect(listed).toEqual(expect.arrayContaining([mismatch.appTransId, ...orphans]));
    expect(listed).not.toContain(settled.appTransId);
    expect(new Set(listed).size).toBe(listed.length);
    // Newest first: the last orphan came last.
    expect(listed.indexOf('260101_orphanB')).toBeLessThan(listed.indexOf('260101_orphanA'));
    const first = await api.get('/reviews?limit=100', MERCHANT);
    expect(
      first.body.reviews.find((r: { appTransId: string }) => r.appTransId === mismatch.appTransId),
    ).toEqual({
      appTransId: mismatch.appTransId,
      status: 'REVIEW',
      reason: 'AMOUNT_MISMATCH',
      since: expect.any(String),
      amount: 30_000,
      paidAmount: 1_000,
      zpTransId: expect.any(String),
      createdAt: expect.any(String),
    });
  });

  it.each(['not-a-cursor', Buffer.from('{"pk":"ORDER#x"}').toString('base64url')])(
    'refuses a cursor it never gave out (%s) with 400',
    async (cursor) => {
      const res = await api.get(`/reviews?cursor=${cursor}`, MERCHANT);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'cursor' }] });
    },
  );

  it('refuses a limit outside 1–100 and unknown parameters', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'all=1']) {
      expect((await api.get(`/reviews?${query}`, MERCHANT)).status).toBe(400);
    }
  });
});
