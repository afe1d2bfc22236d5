import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { makeHandler } from '../../../functions/callback';
import { handleCallback } from '../../../shared/core/orders/callback';
import type { Order } from '../../../shared/core/orders/model';
import { callbackMac } from '../../../shared/core/zalopay/mac';
import { useInMemoryWorld, writesTo } from '../../support/memory';
import { anOrder, at, T0 } from '../../support/orders';
import { SANDBOX } from '../../support/sandbox';
import { signedCallback } from '../../support/zalopay';

const NOW = at(120);
const world = useInMemoryWorld(NOW);

const ID = anOrder().appTransId;
const ZP_TRANS_ID = '261128000000999';
/** ZaloPay's callback for a payment of `amount` on order ID, made at T0 and paid at T0 + 100 s. */
const callback = (amount = 50_000, overrides: Partial<Parameters<typeof signedCallback>[0]> = {}) =>
  signedCallback({
    appTransId: ID,
    amount,
    appTime: T0.getTime(),
    serverTime: at(100).getTime(),
    ...overrides,
  });

/** `order` as the store holds it once paid by someone else than the callback under test. */
const paidBy = (order: Order, patch: Partial<Order>): Order => {
  const { nextCheck: _settled, ...rest } = order;
  return { ...rest, status: 'PAID', version: order.version + 1, paidAmount: order.amount, ...patch };
};

describe('handleCallback', () => {
  it('a verified payment of the amount makes the pending order PAID, settled by the callback', async () => {
    const { deps, store } = world();
    store.put(anOrder());

    const answer = await handleCallback(deps, callback());

    expect(answer).toEqual({ return_code: 1, return_message: 'success' });
    const stored = store.peek(ID);
    expect(stored).toMatchObject({
      status: 'PAID',
      version: 3,
      paidAmount: 50_000,
      paidAt: at(100).toISOString(),
      zpTransId: ZP_TRANS_ID,
      settledBy: 'callback',
      updatedAt: NOW.toISOString(),
    });
    expect(stored?.nextCheck).toBeUndefined();
    expect(world().metrics.counts).toMatchObject({ CallbackAccepted: 1, OrderPaid: 1 });
  });

  it('records the verified payload and what it did in the order’s history', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const body = callback();

    await handleCallback(deps, body);

    expect(store.peekHistory(ID)).toEqual([
      {
        at: NOW.toISOString(),
        kind: 'CALLBACK',
        trigger: 'callback',
        detail: {
          data: body.data,
          mac: body.mac,
          amount: 50_000,
          zpTransId: ZP_TRANS_ID,
          serverTime: at(100).getTime(),
          channel: 38,
        },
        outcome: 'CHANGED',
        from: 'PENDING',
        to: 'PAID',
      },
    ]);
  });

  it('a repeated delivery answers 2, changes nothing, and is recorded as a duplicate', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    await handleCallback(deps, callback());
    const paid = store.peek(ID);

    const answer = await handleCallback(deps, callback());

    expect(answer).toEqual({ return_code: 2, return_message: 'already processed' });
    expect(store.peek(ID)).toEqual(paid);
    expect(store.peekHistory(ID).map((e) => [e.outcome, e.to])).toEqual([
      ['CHANGED', 'PAID'],
      ['DUPLICATE', 'PAID'],
    ]);
  });

  it.each([
    ['bad-mac', () => callback(50_000, {}).data, (data: string) => callbackMac('not-our-key2', data), 1],
    ['wrong-type', () => callback().data, (data: string) => callbackMac(SANDBOX.key2, data), 2],
    [
      'wrong-app',
      () => callback(50_000, { appId: 9999 }).data,
      (d: string) => callbackMac(SANDBOX.key2, d),
      1,
    ],
  ])('a %s callback is refused with -1 before the store is touched', async (reason, data, mac, type) => {
    const { deps, store } = world();
    store.put(anOrder());
    const body = { data: data(), mac: mac(data()), type };

    const answer = await handleCallback(deps, body);

    expect(answer).toEqual({ return_code: -1, return_message: `refused: ${reason}` });
    expect(store.calls).toEqual([]);
    expect(store.peek(ID)).toEqual(anOrder());
    expect(world().metrics.counts.CallbackRejected).toBe(1);
  });

  it('the change to PAID carries its record, with the verified data and mac, in the same write', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const body = callback();

    await handleCallback(deps, body);

    expect(store.peek(ID)?.transitions?.at(-1)).toEqual({
      at: NOW.toISOString(),
      from: 'PENDING',
      to: 'PAID',
      trigger: 'callback',
      evidence: {
        data: body.data,
        mac: body.mac,
        amount: 50_000,
        zpTransId: ZP_TRANS_ID,
        serverTime: at(100).getTime(),
        channel: 38,
      },
    });
    // Nothing else was written: the record travelled with the change.
    expect(writesTo(store)).toEqual(['replace', 'appendHistory']);
  });

  describe('a signed callback we cannot read', () => {
    /** `data` signed with our key2, as only ZaloPay (or a leaked key) could send it. */
    const signed = (data: string) => ({ data, mac: callbackMac(SANDBOX.key2, data), type: 1 });
    const outOfRange = () => {
      const { data } = callback();
      return signed(data.replace(/"server_time":\d+/, '"server_time":9000000000000000'));
    };

    it('puts its order in REVIEW with the raw data, answers 1, then 2 to every retry', async () => {
      const { deps, store } = world();
      store.put(anOrder());
      const body = outOfRange();

      const answers = [await handleCallback(deps, body), await handleCallback(deps, body)];

      expect(answers.map((a) => a.return_code)).toEqual([1, 2]);
      const order = store.peek(ID);
      expect(order).toMatchObject({ status: 'REVIEW', review: { reason: 'UNREADABLE_CALLBACK' } });
      expect(order?.transitions?.at(-1)).toMatchObject({
        from: 'PENDING',
        to: 'REVIEW',
        review: 'UNREADABLE_CALLBACK',
        trigger: 'callback',
        evidence: { data: body.data, mac: body.mac, problem: 'unreadable server_time' },
      });
      expect(store.peekHistory(ID).map((e) => [e.outcome, e.to])).toEqual([
        ['CHANGED', 'REVIEW'],
        ['DUPLICATE', 'REVIEW'],
      ]);
      expect(world().metrics.counts).toMatchObject({ OrderReview: 1 });
    });

    it('leaves a paid order as it is and keeps the delivery in its history, answering 2', async () => {
      const { deps, store } = world();
      const paid = paidBy(anOrder(), { zpTransId: ZP_TRANS_ID });
      store.put(paid);

      const answer = await handleCallback(deps, outOfRange());

      expect(answer.return_code).toBe(2);
      expect(store.peek(ID)).toEqual(paid);
      expect(store.peekHistory(ID)).toMatchObject([{ outcome: 'DUPLICATE', to: 'PAID' }]);
    });

    it.each([
      ['not JSON', 'not json at all'],
      ['an id that is no ZaloPay id', JSON.stringify({ app_id: 2553, app_trans_id: 'a b', amount: 1000 })],
    ])('with %s is kept as an orphan under an id derived from the data', async (_what, data) => {
      const { deps, store } = world();

      const answers = [await handleCallback(deps, signed(data)), await handleCallback(deps, signed(data))];

      expect(answers.map((a) => a.return_code)).toEqual([1, 2]);
      const [id] = store.calls.filter((c) => c.operation === 'create').map((c) => c.appTransId);
      expect(id).toMatch(/^unreadable_[0-9a-f]{24}$/);
      expect(store.peek(id!)).toMatchObject({
        status: 'REVIEW',
        review: { reason: 'UNREADABLE_CALLBACK' },
        transitions: [{ to: 'REVIEW', trigger: 'callback', evidence: { data } }],
      });
    });

    it('for an order we never stored keeps what it can read: the id, the amount', async () => {
      const { deps, store } = world();
      const body = outOfRange();

      expect((await handleCallback(deps, body)).return_code).toBe(1);

      expect(store.peek(ID)).toMatchObject({
        status: 'REVIEW',
        amount: 50_000,
        paidAmount: 50_000,
        zpTransId: ZP_TRANS_ID,
        review: { reason: 'UNREADABLE_CALLBACK' },
      });
    });
  });

  it('a body that is not a callback envelope is refused as malformed', async () => {
    const { deps, store } = world();

    const answer = await handleCallback(deps, { data: 42, mac: 'x', type: 1 });

    expect(answer.return_code).toBe(-1);
    expect(store.calls).toEqual([]);
  });

  it('a callback signed with the previous key2 still verifies during a rotation', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    deps.credentials = async () => ({ ...SANDBOX, key2: 'the-new-key2', key2Previous: SANDBOX.key2 });

    expect((await handleCallback(deps, callback())).return_code).toBe(1);
    expect(store.peek(ID)?.status).toBe('PAID');
  });

  it('a verified payment of another amount sends the order to REVIEW, never PAID', async () => {
    const { deps, store } = world();
    store.put(anOrder());

    const answer = await handleCallback(deps, callback(49_000));

    expect(answer.return_code).toBe(1);
    expect(store.peek(ID)).toMatchObject({
      status: 'REVIEW',
      review: { reason: 'AMOUNT_MISMATCH' },
      paidAmount: 49_000,
    });
    expect(store.peekHistory(ID)[0]).toMatchObject({ outcome: 'CHANGED', from: 'PENDING', to: 'REVIEW' });
  });

  it('a payment for an order we never stored is kept as an orphan in REVIEW', async () => {
    const { deps, store, log } = world();

    const answer = await handleCallback(deps, callback(75_000));

    expect(answer.return_code).toBe(1);
    const orphan = store.peek(ID);
    expect(orphan).toMatchObject({
      status: 'REVIEW',
      version: 1,
      review: { reason: 'ORPHAN_PAYMENT' },
      amount: 75_000,
      paidAmount: 75_000,
      zpTransId: ZP_TRANS_ID,
      settledBy: 'callback',
      createdAt: T0.toISOString(),
      paidAt: at(100).toISOString(),
      updatedAt: NOW.toISOString(),
    });
    expect(orphan?.nextCheck).toBeUndefined();
    expect(store.peekHistory(ID)).toMatchObject([{ kind: 'CALLBACK', outcome: 'CREATED', to: 'REVIEW' }]);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'error', extra: { appTransId: ID } }));
  });

  it('an orphan stored meanwhile by a concurrent delivery makes this one a duplicate', async () => {
    const { deps, store } = world();
    store.beforeNext('create', (orphan) => store.put(orphan));

    const answer = await handleCallback(deps, callback());

    expect(answer.return_code).toBe(2);
    expect(store.peek(ID)).toMatchObject({ status: 'REVIEW', version: 1 });
    expect(store.peekHistory(ID)).toMatchObject([{ outcome: 'DUPLICATE', to: 'REVIEW' }]);
  });

  it('money taken after the order expired is kept: PAID, flagged PAID_AFTER_CLOSE', async () => {
    const { deps, store } = world();
    const { nextCheck: _none, ...expired } = anOrder({ status: 'EXPIRED', version: 3 });
    store.put(expired);

    expect((await handleCallback(deps, callback())).return_code).toBe(1);
    expect(store.peek(ID)).toMatchObject({ status: 'PAID', review: { reason: 'PAID_AFTER_CLOSE' } });
  });

  it('a store failure propagates, and nothing is written', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const outage = new Error('ProvisionedThroughputExceededException');
    store.failNext('replace', outage);

    await expect(handleCallback(deps, callback())).rejects.toBe(outage);

    expect(store.peek(ID)).toEqual(anOrder());
    expect(store.peekHistory(ID)).toEqual([]);
  });

  it('the handler answers a store failure with 0, so ZaloPay retries; the retry is applied', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    store.failNext('get', new Error('ECONNRESET'));
    const handler = makeHandler(deps);
    const deliver = async () => {
      const event = { body: JSON.stringify(callback()), isBase64Encoded: false } as APIGatewayProxyEventV2;
      const result = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
      return JSON.parse(String(result.body)) as { return_code: number };
    };

    expect((await deliver()).return_code).toBe(0);
    expect(writesTo(store)).toEqual([]);

    expect((await deliver()).return_code).toBe(1);
    expect(store.peek(ID)?.status).toBe('PAID');
  });

  it('a history failure after the payment is applied propagates; the retry is recorded as a duplicate', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const outage = new Error('InternalServerError');
    store.failNext('appendHistory', outage);

    await expect(handleCallback(deps, callback())).rejects.toBe(outage);
    expect(store.peek(ID)?.status).toBe('PAID');
    expect(store.peekHistory(ID)).toEqual([]);

    expect((await handleCallback(deps, callback())).return_code).toBe(2);
    expect(store.peekHistory(ID)).toMatchObject([{ kind: 'CALLBACK', outcome: 'DUPLICATE', to: 'PAID' }]);
  });

  it('losing the race to a writer that already applied the payment answers 2 from what it finds', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const winner = paidBy(anOrder(), { settledBy: 'query', zpTransId: ZP_TRANS_ID });
    store.beforeNext('replace', () => store.put(winner));

    const answer = await handleCallback(deps, callback());

    expect(answer.return_code).toBe(2);
    expect(store.peek(ID)).toEqual(winner);
    expect(store.peekHistory(ID)).toMatchObject([{ outcome: 'DUPLICATE', to: 'PAID' }]);
  });

  it('losing the race to bookkeeping (only the version moved) retries on the fresh order and wins', async () => {
    const { deps, store } = world();
    store.put(anOrder());
    const rescheduled = anOrder({ version: 3, nextCheck: { attempt: 2, at: at(1260).toISOString() } });
    store.beforeNext('replace', () => store.put(rescheduled));

    const answer = await handleCallback(deps, callback());

    expect(answer.return_code).toBe(1);
    expect(store.peek(ID)).toMatchObject({ status: 'PAID', version: 4 });
    expect(writesTo(store)).toEqual(['replace', 'replace', 'appendHistory']);
  });

  it('a payment under another zp_trans_id than the recorded one answers 2 and is logged as an error', async () => {
    const { deps, store, log } = world();
    store.put(paidBy(anOrder(), { zpTransId: '261128000000001', settledBy: 'callback' }));

    const answer = await handleCallback(deps, callback());

    expect(answer.return_code).toBe(2);
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'callback carries another zp_trans_id than the recorded payment',
      }),
    );
  });
});
