import { createHash } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ZaloPayClient } from '../../../shared/adapters/zalopay/client';
import { newAppTransId } from '../../../shared/core/zalopay/ids';
import { http, useLocalApp } from '../../support/app';
import { SANDBOX } from '../../support/sandbox';
import { waitFor } from '../../support/wait';

/**
 * Refunds end to end (docs/http-api.md §5, docs/state-machine.md §6) on the local runtime:
 * dynalite for the ledger's conditional writes, the emulator's /v2/refund and /v2/query_refund.
 */
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };
let keys = 0;
const refund = (id: string, amount: number, key = `key-${keys++}`, description?: string) =>
  api.post(
    `/orders/${id}/refunds`,
    { amount, ...(description && { description }) },
    { ...MERCHANT, 'idempotency-key': key },
  );
const ledger = async (id: string) => {
  const res = await api.get(`/orders/${id}/refunds`, MERCHANT);
  expect(res.status).toBe(200);
  return res.body;
};
const allFinal = (id: string) =>
  waitFor(
    async () => {
      const body = await ledger(id);
      return (
        body.refunds.every((r: { status: string }) => r.status === 'SUCCEEDED' || r.status === 'FAILED') &&
        body
      );
    },
    { timeoutMs: 20_000, what: 'every refund final' },
  );
const paidOrder = async (amount = 50_000) => {
  const order = await api.createOrder({ amount });
  await app().emulator.pay(order.appTransId);
  await waitFor(async () => (await api.get(`/orders/${order.appTransId}`)).body.status === 'PAID', {
    what: 'PAID',
  });
  return order.appTransId;
};

describe('refunding a paid order', () => {
  it('a partial refund is made at ZaloPay, followed until final, and shows on the order', async () => {
    const id = await paidOrder();
    const res = await refund(id, 20_000, undefined, 'Hoàn tiền một phần'.normalize('NFD'));
    expect([201, 202]).toContain(res.status);
    expect(res.body.refund).toMatchObject({
      amount: 20_000,
      description: 'Hoàn tiền một phần'.normalize('NFC'),
    });
    expect(res.body.refund.mRefundId).toMatch(/^\d{6}_2553_[0-9A-Za-z]+$/);

    const body = await allFinal(id);
    expect(body).toMatchObject({
      status: 'PAID',
      paidAmount: 50_000,
      refundedAmount: 20_000,
      refundableAmount: 30_000,
      refunds: [{ mRefundId: res.body.refund.mRefundId, status: 'SUCCEEDED' }],
    });
    expect((await api.get(`/orders/${id}`)).body).toMatchObject({ status: 'PAID', refundedAmount: 20_000 });
    const one = await api.get(`/orders/${id}/refunds/${res.body.refund.mRefundId}`, MERCHANT);
    expect(one.body.refund).toMatchObject({ status: 'SUCCEEDED', amount: 20_000 });
    expect(app().emulator.refunds(id)).toEqual([expect.objectContaining({ amount: 20_000, status: 'done' })]);
  });

  it('refunds that reach the amount paid make the order REFUNDED, with its record', async () => {
    const id = await paidOrder();
    app().emulator.planRefund({ type: 'immediate' });
    expect((await refund(id, 30_000)).status).toBe(201);
    await refund(id, 20_000);
    await allFinal(id);
    const order = (await api.get(`/orders/${id}`)).body;
    expect(order).toMatchObject({ status: 'REFUNDED', refundedAmount: 50_000 });
    const history = (await api.get(`/orders/${id}/history`, MERCHANT)).body;
    expect(history.transitions.at(-1)).toMatchObject({ from: 'PAID', to: 'REFUNDED' });
    expect((await refund(id, 1)).body.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
  });

  it('many partial refunds at once never exceed the amount paid', async () => {
    const id = await paidOrder();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refund(id, 7_000)));
    const taken = answers.filter((a) => a.status === 201 || a.status === 202);
    const refused = answers.filter((a) => a.status === 409);
    expect(taken).toHaveLength(7);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body.error).toMatchObject({ code: 'REFUND_EXCEEDS_REFUNDABLE' });

    const body = await allFinal(id);
    expect(body.refundedAmount).toBe(49_000);
    expect(body.refunds).toHaveLength(7);
    const atZaloPay = app().emulator.refunds(id);
    expect(atZaloPay.reduce((sum, r) => sum + r.amount, 0)).toBe(49_000);
  });

  it('a retried refund with the same key refunds once, even after its key record is gone', async () => {
    const id = await paidOrder();
    const first = await refund(id, 5_000, `retry-${id}`);
    const again = await refund(id, 5_000, `retry-${id}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.refund.mRefundId).toBe(first.body.refund.mRefundId);
    // The key's record lives 24 h; the ledger remembers the key for as long as the order lives.
    const pk = `IDEMPOTENCY#${createHash('sha256').update(`retry-${id}`, 'utf8').digest('hex')}`;
    await app().dynamo.client.send(
      new DeleteCommand({ TableName: app().dynamo.tableName, Key: { pk, sk: 'IDEMPOTENCY' } }),
    );
    const late = await refund(id, 5_000, `retry-${id}`);
    expect(late.body.refund.mRefundId).toBe(first.body.refund.mRefundId);
    expect(app().emulator.refunds(id)).toHaveLength(1);
    // The same key for another amount is a conflict, never a second refund.
    expect((await refund(id, 6_000, `retry-${id}`)).status).toBe(409);
    expect(app().emulator.refunds(id)).toHaveLength(1);
  });

  it('a refund stuck in processing is followed until final', async () => {
    const id = await paidOrder();
    app().emulator.planRefund({ type: 'hold' });
    const res = await refund(id, 10_000);
    expect(res.status).toBe(202);
    expect(res.body.refund.status).toBe('PROCESSING');
    const { mRefundId } = res.body.refund;
    // Followed while processing: query_refund answers 3, and the next check is planned.
    await waitFor(
      async () =>
        (await api.get(`/orders/${id}/history`, MERCHANT)).body.history.filter(
          (h: { kind: string }) => h.kind === 'REFUND_QUERY',
        ).length >= 2,
      { timeoutMs: 20_000, what: 'two refund checks' },
    );
    expect((await ledger(id)).refunds[0]).toMatchObject({
      status: 'PROCESSING',
      nextCheckAt: expect.any(String),
    });
    app().emulator.finishRefund(mRefundId, 'done');
    const body = await allFinal(id);
    expect(body.refunds[0]).toMatchObject({ mRefundId, status: 'SUCCEEDED' });
    expect(body.refundedAmount).toBe(10_000);
  });

  it('a refund ZaloPay fails is FAILED with its codes, and its amount can be refunded again', async () => {
    const id = await paidOrder();
    app().emulator.planRefund({ type: 'fail', subReturnCode: -32 });
    await refund(id, 50_000);
    const body = await allFinal(id);
    expect(body.refunds[0]).toMatchObject({
      status: 'FAILED',
      failure: { returnCode: 2, subReturnCode: -32, name: 'REFUND_NOT_SUPPORTED', retryable: false },
    });
    expect(body).toMatchObject({ refundedAmount: 0, refundableAmount: 50_000, status: 'PAID' });
    await refund(id, 50_000);
    expect((await allFinal(id)).refundedAmount).toBe(50_000);
  });

  it('a refund ZaloPay did not answer is followed, and settled by query_refund', async () => {
    const id = await paidOrder();
    app().emulator.injectFault('refund', { type: 'delay', ms: 3_000 });
    const res = await refund(id, 10_000);
    expect(res.status).toBe(202);
    expect(res.body.refund.status).toBe('PROCESSING');
    const body = await allFinal(id);
    expect(body.refunds[0].status).toBe('SUCCEEDED');
    expect(app().emulator.refunds(id)).toHaveLength(1);
  });

  it('gives back an orphan payment: an order another system made with our app, paid, unknown here', async () => {
    // Made at ZaloPay (the emulator) directly, its callback to our URL: we never stored it.
    const orphan = newAppTransId(new Date());
    const elsewhere = new ZaloPayClient({
      baseUrl: `${app().url}/emulator`,
      credentials: async () => SANDBOX,
      timeoutMs: 10_000,
    });
    await elsewhere.createOrder({
      appTransId: orphan,
      appUser: 'another till',
      amount: 77_000,
      appTime: Date.now(),
      description: 'Đơn hàng từ máy khác',
      items: [],
      embedData: {},
      bankCode: 'zalopayapp',
      callbackUrl: `${app().url}/zalopay/callback`,
    });
    await app().emulator.pay(orphan);
    await waitFor(
      async () => (await api.get(`/orders/${orphan}`, MERCHANT)).body.review?.reason === 'ORPHAN_PAYMENT',
      {
        what: 'the orphan kept for review',
      },
    );

    expect((await refund(orphan, 77_001)).body.error).toMatchObject({
      code: 'REFUND_EXCEEDS_REFUNDABLE',
      refundableAmount: 77_000,
    });
    expect([201, 202]).toContain((await refund(orphan, 77_000)).status);
    const body = await allFinal(orphan);
    expect(body).toMatchObject({ status: 'REFUNDED', refundedAmount: 77_000, refundableAmount: 0 });
    expect(
      app()
        .emulator.refunds(orphan)
        .map((r) => [r.amount, r.status]),
    ).toEqual([[77_000, 'done']]);
    const reviews = await api.get('/reviews?limit=100', MERCHANT);
    expect(reviews.body.reviews.map((r: { appTransId: string }) => r.appTransId)).not.toContain(orphan);
  });

  it('refuses what cannot be refunded, with a clear 4xx and nothing written', async () => {
    const unpaid = await api.createOrder({ amount: 10_000 });
    const notPaid = await refund(unpaid.appTransId, 1_000);
    expect(notPaid.status).toBe(409);
    expect(notPaid.body.error.code).toBe('ORDER_NOT_REFUNDABLE');
    const id = await paidOrder(10_000);
    const noKey = await api.post(`/orders/${id}/refunds`, { amount: 1_000 }, MERCHANT);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.details).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    expect((await refund(id, 0)).status).toBe(400);
    expect((await refund(id, 1.5)).status).toBe(400);
    expect((await refund(id, 1_000, undefined, 'x'.repeat(101))).status).toBe(400);
    expect((await api.post(`/orders/${id}/refunds`, { amount: 1 }, { 'idempotency-key': 'k' })).status).toBe(
      401,
    );
    expect((await refund('261128_nobody', 1_000)).status).toBe(404);
    expect((await api.get(`/orders/${id}/refunds/261128_2553_none`, MERCHANT)).status).toBe(404);
    expect((await ledger(id)).refunds).toEqual([]);
  });
});

describe('cancelling an unpaid order', () => {
  it('closes it at once (QR 410), and a payment that still arrives is kept, flagged for review', async () => {
    const order = await api.createOrder({ amount: 30_000 });
    const id = order.appTransId;
    const res = await api.post(`/orders/${id}/cancel`, undefined, MERCHANT);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'EXPIRED', closedReason: 'CANCELLED' });
    expect((await api.get(`/orders/${id}/qr`)).status).toBe(410);
    expect((await api.post(`/orders/${id}/cancel`, undefined, MERCHANT)).body.status).toBe('EXPIRED');

    // ZaloPay has no cancel: the buyer can still pay the order_url.
    await app().emulator.pay(id);
    await waitFor(async () => (await api.get(`/orders/${id}`)).body.status === 'PAID', { what: 'PAID' });
    expect((await api.get(`/orders/${id}`)).body).toMatchObject({
      status: 'PAID',
      review: { reason: 'PAID_AFTER_CLOSE' },
      closedReason: 'CANCELLED',
    });
    const reviews = (await api.get('/reviews', MERCHANT)).body.reviews;
    expect(reviews).toEqual(
      expect.arrayContaining([expect.objectContaining({ appTransId: id, reason: 'PAID_AFTER_CLOSE' })]),
    );
    // Paid: no more cancelling; it can be refunded, which resolves the review.
    expect((await api.post(`/orders/${id}/cancel`, undefined, MERCHANT)).body.error.code).toBe(
      'ORDER_NOT_CANCELLABLE',
    );
  });

  it('its checks go on until ZaloPay confirms it was not paid', async () => {
    const order = await api.createOrder({ amount: 30_000 });
    const id = order.appTransId;
    await api.post(`/orders/${id}/cancel`, undefined, MERCHANT);
    const before = await app().store.get(id);
    expect(before?.nextCheck).toBeDefined();
    // Its scheduled check: still unpaid and not yet expired at ZaloPay, so another is planned.
    await app().checkStatus({ appTransId: id, attempt: before!.nextCheck!.attempt });
    const followed = await app().store.get(id);
    expect(followed).toMatchObject({ status: 'EXPIRED', closedReason: 'CANCELLED' });
    expect(followed?.nextCheck?.attempt).toBe(before!.nextCheck!.attempt + 1);
    // ZaloPay now says it failed: confirmed, the checks end.
    app().emulator.cancel(id);
    const synced = await api.post(`/orders/${id}/sync`, undefined, MERCHANT);
    expect(synced.body).toMatchObject({ status: 'EXPIRED', closedReason: 'CANCELLED' });
    const after = await app().store.get(id);
    expect(after?.status).toBe('EXPIRED');
    expect(after?.nextCheck).toBeUndefined();
  });
});
