import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EmulatorServer, startEmulatorServer } from '../../../local/emulator';
import { ZaloPayClient } from '../../../shared/adapters/zalopay/client';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../../shared/core/zalopay/errors';
import { newAppTransId, newRefundId } from '../../../shared/core/zalopay/ids';
import type { CreateOrderRequest } from '../../../shared/core/zalopay/types';
import { SANDBOX } from '../../support/sandbox';

let zalopay: EmulatorServer;
let client: ZaloPayClient;

/**
 * How long the clients wait for an answer: far more than the emulator needs even on a loaded
 * machine (the first call took over 500 ms there), so that only the delayed answer of the timeout
 * test, with a client of its own, times out.
 */
const PATIENT_MS = 10_000;
const IMPATIENT_MS = 500;

const order = (overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest => ({
  appTransId: newAppTransId(new Date()),
  appUser: 'Cửa hàng Hoa Sen',
  amount: 50_000,
  appTime: Date.now(),
  description: 'Thanh toán đơn hàng: cà phê sữa đá',
  items: [{ itemid: 'cf', itemname: 'Cà phê', itemprice: 50_000, itemquantity: 1 }],
  embedData: { redirecturl: 'https://shop.example/zalopay/redirect?a=1&b=2' },
  bankCode: 'zalopayapp',
  callbackUrl: 'http://127.0.0.1:9/unused',
  ...overrides,
});

beforeAll(async () => {
  zalopay = await startEmulatorServer({ apps: [SANDBOX], callbackRetryDelayMs: 1, refundDelayMs: 0 });
  client = new ZaloPayClient({
    baseUrl: zalopay.url,
    credentials: async () => SANDBOX,
    timeoutMs: PATIENT_MS,
  });
});
afterAll(async () => {
  await zalopay.close();
});

describe('ZaloPay client against the emulator', () => {
  it('creates an order whose signed Vietnamese text and JSON fields arrive byte-exact', async () => {
    const request = order({ appUser: 'Cửa hàng Hoa Sen'.normalize('NFD') });
    const created = await client.createOrder(request);
    expect(created.orderUrl).toMatch(/\/openinapp\?order=/);
    expect(created.zpTransToken).toBeTruthy();
    expect(created.qrCode).toMatch(/^000201/);
    // The emulator checked the MAC over what it received: NFC text, the embed_data we signed.
    expect(zalopay.emulator.order(request.appTransId)?.embedData).toBe(JSON.stringify(request.embedData));
  });

  it('answers 3 for an unpaid order and 1 with the zp_trans_id as a string once paid', async () => {
    const request = order();
    await client.createOrder(request);
    expect(await client.queryOrder(request.appTransId)).toMatchObject({ returnCode: 3, isProcessing: false });
    await zalopay.emulator.pay(request.appTransId, { callback: 'lost' });
    const paid = await client.queryOrder(request.appTransId);
    expect(paid).toMatchObject({ returnCode: 1, amount: 50_000 });
    expect(paid.zpTransId).toMatch(/^\d{15}$/);
  });

  it('reports an unknown order as 2/-101, an answer about the order', async () => {
    expect(await client.queryOrder(newAppTransId(new Date()))).toMatchObject({
      returnCode: 2,
      subReturnCode: -101,
    });
  });

  it('refunds a paid order and follows the refund to completion', async () => {
    const request = order();
    await client.createOrder(request);
    const paid = await zalopay.emulator.pay(request.appTransId, { callback: 'lost' });
    const mRefundId = newRefundId(new Date(), SANDBOX.appId);
    const refund = await client.refund({
      mRefundId,
      zpTransId: String(paid.zpTransId),
      amount: 20_000,
      description: 'Hoàn tiền đơn hàng'.normalize('NFD'),
    });
    expect(refund.returnCode).toBe(3);
    expect(refund.refundId).toMatch(/^\d+$/);
    expect(await client.queryRefund(mRefundId)).toMatchObject({ returnCode: 1 });
  });

  it('turns a repeated app_trans_id into a typed, non-retryable rejection', async () => {
    const request = order();
    await client.createOrder(request);
    const error = await client.createOrder(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloPayRejectedError);
    expect(error).toMatchObject({ returnCode: 2, subReturnCode: -68, retryable: false });
    expect((error as ZaloPayRejectedError).code?.name).toBe('DUPLICATE_APPS_TRANS_ID');
  });

  it('a wrong key1 is -402, a refusal of the request even on query', async () => {
    const wrong = new ZaloPayClient({
      baseUrl: zalopay.url,
      credentials: async () => ({ ...SANDBOX, key1: 'not-the-key' }),
      timeoutMs: PATIENT_MS,
    });
    await expect(wrong.createOrder(order())).rejects.toMatchObject({ subReturnCode: -402, retryable: false });
    // 2/-402 says nothing about the order: it must not read as "the order failed".
    await expect(wrong.queryOrder(newAppTransId(new Date()))).rejects.toBeInstanceOf(ZaloPayRejectedError);
  });

  it.each([
    [{ type: 'delay', ms: 800 } as const, 'timeout'],
    [{ type: 'drop' } as const, 'network'],
    [{ type: 'garbage' } as const, 'bad-response'],
    [{ type: 'http', status: 502 } as const, 'http-status'],
  ])('%o on create is ZaloPayUnavailableError(%s): outcome unknown, retryable', async (fault, reason) => {
    zalopay.emulator.injectFault('create', fault);
    const impatient = new ZaloPayClient({
      baseUrl: zalopay.url,
      credentials: async () => SANDBOX,
      timeoutMs: IMPATIENT_MS,
    });
    const error = await (fault.type === 'delay' ? impatient : client)
      .createOrder(order())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloPayUnavailableError);
    expect(error).toMatchObject({ reason, retryable: true, operation: 'create' });
  });

  it.each([
    [-999, true],
    [-429, true],
    [-500, true],
    [-401, false],
    [-12345, false],
  ])('a negative code %i on create is a rejection, retryable: %s', async (code, retryable) => {
    zalopay.emulator.injectFault('create', { type: 'code', returnCode: code, subReturnCode: code });
    await expect(client.createOrder(order())).rejects.toMatchObject({ returnCode: code, retryable });
  });

  it('a network failure is "network" when nothing listens', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const offline = new ZaloPayClient({
      baseUrl: `http://127.0.0.1:${port}`,
      credentials: async () => SANDBOX,
      timeoutMs: PATIENT_MS,
    });
    await expect(offline.queryOrder('261128_x')).rejects.toMatchObject({ reason: 'network' });
  });
});
