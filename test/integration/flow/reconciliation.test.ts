import type { ReconciliationRow } from '../../../shared/core/orders/reconcile';
import { vnDayBefore } from '../../../shared/core/zalopay/ids';
import { http, useLocalApp } from '../../support/app';
import { waitFor } from '../../support/wait';

/**
 * Reconciliation end to end (docs/reconciliation.md) on the local runtime: orders in dynalite,
 * listed from the orders-by-day index, queried at the emulator, whose books a test rewrites so
 * that they disagree with ours.
 */
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);
const MERCHANT = { 'x-api-key': 'dev-merchant-key' };
/** Today in Vietnam: the day of every order this file creates. */
const today = () => vnDayBefore(new Date(), 0);

const paidOrder = async (amount = 50_000) => {
  const order = await api.createOrder({ amount });
  await app().emulator.pay(order.appTransId);
  await waitFor(async () => (await api.get(`/orders/${order.appTransId}`)).body.status === 'PAID', {
    what: 'PAID',
  });
  return order.appTransId;
};

/** Every row of the day, a call after another, as the CLI reads them; and the totals each call said. */
const reconcileAll = async (date: string, limit: number) => {
  const rows: ReconciliationRow[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.post('/reconciliations', { date, limit, ...(cursor && { cursor }) }, MERCHANT);
    expect(res.status).toBe(200);
    expect(res.body.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...res.body.rows);
    totals.push(res.body.total);
    cursor = res.body.nextCursor;
  } while (cursor);
  return { rows, totals };
};

describe('POST /reconciliations', () => {
  it("flags the orders whose amount or status differs from ZaloPay's, matches the rest, a page at a time", async () => {
    const matched = await paidOrder();
    const amountDiffers = await paidOrder();
    const statusDiffers = await paidOrder();
    const lostCallback = (await api.createOrder({ amount: 30_000 })).appTransId;
    const open = (await api.createOrder({ amount: 10_000 })).appTransId;
    // ZaloPay's books say otherwise: another amount collected; a payment that failed after all.
    app().emulator.overwrite(amountDiffers, { amount: 45_000 });
    app().emulator.overwrite(statusDiffers, { status: 'failed' });
    // Paid at ZaloPay, but its callback never came: reconciliation learns of it.
    await app().emulator.pay(lostCallback, { callback: 'lost' });

    const { rows, totals } = await reconcileAll(today(), 2);

    const row = (id: string) => rows.find((r) => r.appTransId === id);
    expect(new Set(totals)).toEqual(new Set([rows.length]));
    expect(rows.map((r) => r.appTransId)).toEqual([...rows.map((r) => r.appTransId)].sort());
    expect(new Set(rows.map((r) => r.appTransId)).size).toBe(rows.length);
    expect(row(matched)).toMatchObject({ result: 'matched', status: 'PAID', zalopay: { state: 'paid' } });
    expect(row(amountDiffers)).toMatchObject({
      result: 'mismatched',
      mismatches: ['amount'],
      amount: 50_000,
      zalopay: { state: 'paid', amount: 45_000 },
    });
    expect(row(statusDiffers)).toMatchObject({
      result: 'mismatched',
      mismatches: ['status'],
      status: 'PAID',
      zalopay: { state: 'failed', returnCode: 2, subReturnCode: -217 },
    });
    expect(row(lostCallback)).toMatchObject({
      result: 'matched',
      applied: { from: 'PENDING', to: 'PAID' },
    });
    expect(row(open)).toMatchObject({
      result: 'unresolved',
      status: 'PENDING',
      zalopay: { state: 'unpaid' },
    });

    // The payment it found is on the order once, recorded as reconciliation's, and not asked again.
    expect((await api.get(`/orders/${lostCallback}`)).body).toMatchObject({
      status: 'PAID',
      settledBy: 'query',
    });
    const history = (await api.get(`/orders/${lostCallback}/history`, MERCHANT)).body;
    expect(history.transitions.at(-1)).toMatchObject({
      trigger: 'reconciliation',
      from: 'PENDING',
      to: 'PAID',
    });
    const again = await reconcileAll(today(), 50);
    expect(again.rows.find((r) => r.appTransId === lostCallback)).toMatchObject({
      result: 'matched',
      source: 'stored-query',
    });
    expect(again.rows.find((r) => r.appTransId === amountDiffers)?.result).toBe('mismatched');
  });

  it('refuses a bad day, a bad body and a missing key, with nothing done', async () => {
    const bad = await api.post('/reconciliations', { date: '2026-02-30' }, MERCHANT);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'date' }] });
    expect((await api.post('/reconciliations', { date: today(), limit: 0 }, MERCHANT)).status).toBe(400);
    expect((await api.post('/reconciliations', { date: today(), extra: 1 }, MERCHANT)).status).toBe(400);
    expect((await api.post('/reconciliations', { date: today() })).status).toBe(401);
  });

  it('answers a day without orders with nothing to do', async () => {
    const res = await api.post('/reconciliations', { date: '2025-01-01' }, MERCHANT);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: '2025-01-01', total: 0, rows: [], nextCursor: null });
    expect(res.body.summary).toMatchObject({ orders: 0, matched: 0, mismatched: 0, unresolved: 0 });
  });
});
