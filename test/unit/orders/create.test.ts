import { createOrder, OrderCreationError } from '../../../shared/core/orders/create';
import type { Order } from '../../../shared/core/orders/model';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../../shared/core/zalopay/errors';
import type { CreateOrderResult } from '../../../shared/core/zalopay/types';
import { CONFIG, useInMemoryWorld, writesTo } from '../../support/memory';
import { at, T0 } from '../../support/orders';

const world = useInMemoryWorld(T0);

const ACCEPTED: CreateOrderResult = {
  orderUrl: 'https://qcgateway.zalopay.vn/openinapp?order=eyJ6cHRyYW5zdG9rZW4iOiJ4In0=',
  zpTransToken: 'AC-token-1',
  orderToken: 'order-token-1',
  qrCode: '00020101021238',
};
const refused = () => new ZaloPayRejectedError('create', 2, 'Giao dịch thất bại', -68, 'Trùng mã giao dịch');
const noAnswer = () =>
  new ZaloPayUnavailableError('create', 'timeout', 'ZaloPay create timed out after 10000 ms');

/** Runs createOrder expecting it to throw, and returns what it threw. */
const creationError = async (run: Promise<Order>): Promise<OrderCreationError> => {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OrderCreationError)) throw new Error(`expected an OrderCreationError, got ${error}`);
  return error;
};

describe('createOrder', () => {
  it('stores the order as CREATING, with its first check, before ZaloPay is asked', async () => {
    const { deps, store, zalopay } = world();
    let storedWhenAsked: Order | undefined;
    zalopay.script('createOrder', (request) => {
      storedWhenAsked = store.peek(request.appTransId);
      return ACCEPTED;
    });

    await createOrder(deps, { amount: 50_000 });

    expect(storedWhenAsked).toMatchObject({
      status: 'CREATING',
      version: 1,
      nextCheck: { attempt: 1, at: at(1200).toISOString() },
    });
  });

  it('asks ZaloPay exactly once, with the request it documents', async () => {
    const { deps, zalopay } = world();
    zalopay.script('createOrder', ACCEPTED);

    const order = await createOrder(deps, { amount: 50_000 });

    expect(zalopay.calls).toHaveLength(1);
    expect(zalopay.requestsOf('createOrder')).toEqual([
      {
        appTransId: order.appTransId,
        appUser: 'ZaloPay QR demo',
        amount: 50_000,
        appTime: T0.getTime(),
        description: `Thanh toán đơn hàng ${order.appTransId}`,
        items: [],
        embedData: { redirecturl: CONFIG.redirectUrl },
        bankCode: 'zalopayapp',
        callbackUrl: CONFIG.callbackUrl,
        expireDurationSeconds: 900,
      },
    ]);
  });

  it('names the order with the date in Vietnam (GMT+7) and 22 random base62 characters', async () => {
    const { deps, zalopay, clock } = world();
    // 17:30 UTC on 28 November is already 00:30 on 29 November in Vietnam.
    clock.advance(14.5 * 3600);
    zalopay.script('createOrder', ACCEPTED, ACCEPTED);

    const first = await createOrder(deps, { amount: 50_000 });
    const second = await createOrder(deps, { amount: 50_000 });

    expect(first.appTransId).toMatch(/^261129_[0-9A-Za-z]{22}$/);
    expect(second.appTransId).toMatch(/^261129_[0-9A-Za-z]{22}$/);
    expect(second.appTransId).not.toBe(first.appTransId);
  });

  it('sends and keeps the description and app user in NFC, the form that is signed', async () => {
    const { deps, zalopay } = world();
    zalopay.script('createOrder', ACCEPTED);
    const decomposed = 'Cà phê sữa đá'.normalize('NFD');

    const order = await createOrder(deps, { amount: 50_000, description: decomposed, appUser: decomposed });

    const [request] = zalopay.requestsOf('createOrder');
    expect(request?.description).toBe('Cà phê sữa đá'.normalize('NFC'));
    expect(request?.description).not.toBe(decomposed);
    expect(request?.appUser).toBe('Cà phê sữa đá'.normalize('NFC'));
    expect(order).toMatchObject({ description: request?.description, appUser: request?.appUser });
  });

  it('sends the items in ZaloPay’s item fields, and the order’s own expiry and bank code', async () => {
    const { deps, zalopay } = world();
    zalopay.script('createOrder', ACCEPTED);

    await createOrder(deps, {
      amount: 50_000,
      items: [
        { id: 'cf', name: 'Cà phê', price: 20_000, quantity: 2 },
        { name: 'Bánh', price: 10_000, quantity: 1 },
      ],
      expireDurationSeconds: 3600,
      bankCode: '',
    });

    expect(zalopay.requestsOf('createOrder')[0]).toMatchObject({
      items: [
        { itemid: 'cf', itemname: 'Cà phê', itemprice: 20_000, itemquantity: 2 },
        { itemid: '', itemname: 'Bánh', itemprice: 10_000, itemquantity: 1 },
      ],
      expireDurationSeconds: 3600,
      bankCode: '',
    });
  });

  it('an answer 1 makes the order PENDING with ZaloPay’s order_url, token and QR, as stored', async () => {
    const { deps, store, zalopay } = world();
    zalopay.script('createOrder', ACCEPTED);

    const order = await createOrder(deps, {
      amount: 50_000,
      returnUrl: 'https://shop.example/thanks',
      metadata: { cartId: 'c-42' },
    });

    expect(order).toMatchObject({
      status: 'PENDING',
      version: 2,
      amount: 50_000,
      orderUrl: ACCEPTED.orderUrl,
      zpTransToken: ACCEPTED.zpTransToken,
      qrCode: ACCEPTED.qrCode,
      returnUrl: 'https://shop.example/thanks',
      metadata: { cartId: 'c-42' },
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      expiresAt: at(900).toISOString(),
      refundedAmount: 0,
    });
    expect(store.peek(order.appTransId)).toEqual(order);
    expect(world().metrics.counts.OrderCreated).toBe(1);
  });

  it('schedules the first check at createdAt + the first-check delay', async () => {
    const { deps, zalopay, scheduler } = world();
    deps.policy = { ...deps.policy, firstCheckDelaySeconds: 90 };
    zalopay.script('createOrder', ACCEPTED);

    const order = await createOrder(deps, { amount: 50_000, expireDurationSeconds: 3600 });

    expect(scheduler.scheduled).toEqual([{ appTransId: order.appTransId, attempt: 1, at: at(90) }]);
    expect(order.nextCheck).toEqual({ attempt: 1, at: at(90).toISOString() });
  });

  it('a refused create makes the order FAILED with ZaloPay’s codes and throws them', async () => {
    const { deps, store, zalopay } = world();
    const refusal = refused();
    zalopay.script('createOrder', refusal);

    const error = await creationError(createOrder(deps, { amount: 50_000 }));

    expect(error.cause).toBe(refusal);
    expect(error.cause).toMatchObject({ returnCode: 2, subReturnCode: -68 });
    const stored = store.peek(error.appTransId);
    expect(stored).toMatchObject({
      status: 'FAILED',
      version: 2,
      failure: { returnCode: 2, subReturnCode: -68, subReturnMessage: 'Trùng mã giao dịch' },
    });
    expect(stored?.nextCheck).toBeUndefined();
    expect(world().metrics.counts.OrderCreateRejected).toBe(1);
  });

  it('a refused create schedules no check, and leaves none for the sweeper', async () => {
    const { deps, store, zalopay, scheduler } = world();
    zalopay.script('createOrder', refused());

    await creationError(createOrder(deps, { amount: 50_000 }));

    expect(scheduler.requests).toEqual([]);
    expect((await store.listDueChecks(at(86_400).toISOString(), 10)).checks).toEqual([]);
  });

  it('no answer leaves the order CREATING, schedules its first check, and throws', async () => {
    const { deps, store, zalopay, scheduler } = world();
    const unavailable = noAnswer();
    zalopay.script('createOrder', unavailable);

    const error = await creationError(createOrder(deps, { amount: 50_000 }));

    expect(error.cause).toBe(unavailable);
    expect(store.peek(error.appTransId)).toMatchObject({
      status: 'CREATING',
      version: 1,
      nextCheck: { attempt: 1, at: at(1200).toISOString() },
    });
    expect(scheduler.scheduled).toEqual([{ appTransId: error.appTransId, attempt: 1, at: at(1200) }]);
    expect(writesTo(store)).toEqual(['create']);
    expect(world().metrics.counts.OrderCreateUnknown).toBe(1);
  });

  it('a schedule that cannot be created is not fatal: the sweeper finds the order by its nextCheck', async () => {
    const { deps, store, zalopay, scheduler, log, metrics } = world();
    zalopay.script('createOrder', ACCEPTED);
    scheduler.failNext(new Error('ThrottlingException'));

    const order = await createOrder(deps, { amount: 50_000 });

    expect(order.status).toBe('PENDING');
    expect(scheduler.scheduled).toEqual([]);
    expect((await store.listDueChecks(at(1200).toISOString(), 10)).checks).toEqual([
      { appTransId: order.appTransId, attempt: 1, at: at(1200).toISOString() },
    ]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'could not schedule the first status check' }),
    );
    expect(metrics.counts.StatusCheckScheduleFailed).toBe(1);
  });

  it('without an answer and without a schedule, it still throws ZaloPay’s outcome, not the scheduler’s', async () => {
    const { deps, store, zalopay, scheduler } = world();
    zalopay.script('createOrder', noAnswer());
    scheduler.failNext(new Error('ThrottlingException'));

    const error = await creationError(createOrder(deps, { amount: 50_000 }));

    expect(error.cause).toBeInstanceOf(ZaloPayUnavailableError);
    expect((await store.listDueChecks(at(1200).toISOString(), 10)).checks).toHaveLength(1);
  });

  it('an order that could not be stored is never sent to ZaloPay', async () => {
    const { deps, store, zalopay, scheduler } = world();
    const outage = new Error('ProvisionedThroughputExceededException');
    store.failNext('create', outage);

    await expect(createOrder(deps, { amount: 50_000 })).rejects.toBe(outage);

    expect(zalopay.calls).toEqual([]);
    expect(scheduler.requests).toEqual([]);
  });

  it('an id already taken (a broken random source) is never sent to ZaloPay', async () => {
    const { deps, store, zalopay } = world();
    store.beforeNext('create', (order) => store.put({ ...order, amount: 1 }));

    await expect(createOrder(deps, { amount: 50_000 })).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/collision/),
    );

    expect(zalopay.calls).toEqual([]);
  });

  it('a payment that lands while create waits for ZaloPay stays: the create answer is ignored', async () => {
    const { deps, store, zalopay } = world();
    zalopay.script('createOrder', (request) => {
      const creating = store.peek(request.appTransId)!;
      const { nextCheck: _settled, ...rest } = creating;
      store.put({ ...rest, status: 'PAID', version: 2, zpTransId: '261128000000001', settledBy: 'callback' });
      return ACCEPTED;
    });

    const order = await createOrder(deps, { amount: 50_000 });

    expect(order).toMatchObject({ status: 'PAID', version: 2, zpTransId: '261128000000001' });
    expect(store.peek(order.appTransId)).toEqual(order);
  });
});
