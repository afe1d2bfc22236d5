import { makeHandler as callbackHandler } from '../../../functions/callback';
import { lambdaContext } from '../../../local/server';
import { noMetrics, silentLog } from '../../../shared/core/observability';
import type { OrderStore } from '../../../shared/core/ports/store';
import { http, useLocalApp } from '../../support/app';
import { SANDBOX } from '../../support/sandbox';
import { redirectQuery, signedCallback } from '../../support/zalopay';

// The first check far away: these tests decide when checks run.
const app = useLocalApp({ STATUS_CHECK_DELAY_SECONDS: '3600' });
const api = http(() => app().url);

const newOrder = async () => (await api.createOrder()).appTransId;

describe('callback, redirect and status check racing on one order', () => {
  it.each(Array.from({ length: 6 }, (_, i) => i + 1))(
    'round %i: exactly one transition, and every party answers consistently',
    async () => {
      const appTransId = await newOrder();
      await app().emulator.pay(appTransId, { callback: 'lost' });
      const before = (await app().store.get(appTransId))!;
      const zpTransId = Number(app().emulator.order(appTransId)!.zpTransId);

      const [callback, redirect] = await Promise.all([
        api.post('/zalopay/callback', signedCallback({ appTransId, amount: 50_000, zpTransId })),
        fetch(`${app().url}/zalopay/redirect?${redirectQuery({ appTransId, amount: 50_000 })}`, {
          redirect: 'manual',
        }),
        app().checkStatus({ appTransId, attempt: 1 }),
        api.post(`/orders/${appTransId}/sync`, undefined, { 'x-api-key': 'dev-merchant-key' }),
      ]);

      const after = (await app().store.get(appTransId))!;
      expect(after.status).toBe('PAID');
      expect(after.version).toBe(before.version + 1);
      const history = await app().store.history(appTransId);
      expect(history.filter((e) => e.outcome === 'CHANGED')).toHaveLength(1);
      // The callback answers 1 only if it was the one that won, else 2 — never 0 for a lost race.
      const callbackWon = history.some((e) => e.kind === 'CALLBACK' && e.outcome === 'CHANGED');
      expect(callback.body.return_code).toBe(callbackWon ? 1 : 2);
      expect(redirect.status).toBe(302);
      expect(new URL(redirect.headers.get('location')!).searchParams.get('status')).toBe('PAID');
    },
  );

  it('twenty concurrent deliveries of the same callback: one 1, the rest 2', async () => {
    const appTransId = await newOrder();
    const body = signedCallback({ appTransId, amount: 50_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.post('/zalopay/callback', body).then((r) => r.body.return_code)),
    );
    expect(answers.sort()).toEqual([1, ...Array(19).fill(2)]);
    expect((await app().store.get(appTransId))?.status).toBe('PAID');
  });
});

describe('an internal failure during a callback', () => {
  const failing = (fail: 'get' | 'replace'): OrderStore => {
    const store = app().store;
    const boom = async () => {
      throw new Error('DynamoDB unavailable');
    };
    return {
      get: fail === 'get' ? boom : (id) => store.get(id),
      create: (o) => store.create(o),
      replace: fail === 'replace' ? boom : (next, expected) => store.replace(next, expected),
      appendHistory: (id, e) => store.appendHistory(id, e),
      history: (id) => store.history(id),
      listDueChecks: (now, limit, after) => store.listDueChecks(now, limit, after),
      listReviews: (options) => store.listReviews(options),
      listOrdersOfDay: (day, limit, after) => store.listOrdersOfDay(day, limit, after),
    };
  };

  it.each(['get', 'replace'] as const)(
    'a failing store %s answers 0 so ZaloPay retries, and the order is unchanged',
    async (fail) => {
      const appTransId = await newOrder();
      const before = await app().store.get(appTransId);
      const handler = callbackHandler({
        store: failing(fail),
        credentials: async () => SANDBOX,
        clock: () => new Date(),
        log: silentLog,
        metrics: noMetrics,
      });
      const result = await handler(
        {
          body: JSON.stringify(signedCallback({ appTransId, amount: 50_000 })),
          isBase64Encoded: false,
        } as never,
        lambdaContext('test'),
      );
      expect(result).toMatchObject({ statusCode: 200 });
      expect(JSON.parse((result as { body: string }).body)).toEqual({
        return_code: 0,
        return_message: 'internal error, please retry',
      });
      expect(await app().store.get(appTransId)).toEqual(before);

      // ZaloPay's retry, once the store is back, is processed normally.
      expect(
        (await api.post('/zalopay/callback', signedCallback({ appTransId, amount: 50_000 }))).body
          .return_code,
      ).toBe(1);
    },
  );
});
