import { createHmac } from 'node:crypto';
import type { EmulatorServer } from '../../../local/emulator';
import { verifyCallback } from '../../../shared/core/zalopay/callback';
import {
  APP,
  createFields,
  KEY2,
  manualClock,
  postForm,
  queryFields,
  type Reply,
  returnCode,
  startEmulator,
  startReceiver,
  VECTOR_TIME,
} from './helpers';

// The fields of §11 TV2 (ZaloPay's callback sample), in its order.
const TV2_FIELDS = [
  'app_id',
  'app_trans_id',
  'app_time',
  'app_user',
  'amount',
  'embed_data',
  'item',
  'zp_trans_id',
  'server_time',
  'channel',
  'merchant_user_id',
  'user_fee_amount',
  'discount_amount',
];

describe('ZaloPay emulator callbacks', () => {
  let server: EmulatorServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const setUp = async (replies: Reply[], options: Parameters<typeof startEmulator>[0] = {}) => {
    receiver = await startReceiver(replies);
    server = await startEmulator({ clock: manualClock().clock, ...options });
  };
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  const createOrder = async (appTransId: string, extra: Record<string, string> = {}) => {
    const fields = createFields(appTransId, VECTOR_TIME, { callback_url: receiver.url, ...extra });
    expect((await postForm(`${server.url}/v2/create`, fields)).json.return_code).toBe(1);
  };

  it('sends TV2-shaped data signed with key2, embed_data and item byte-exact', async () => {
    await setUp([returnCode(1)]);
    const embedData = '{"redirecturl":"https://shop.example/r?a=1&b=2","merchantinfo":"Cửa hàng \\u00e1"}';
    const item = '[{"itemid":"cf","itemname":"Cà phê sữa đá","itemprice":50000,"itemquantity":1}]';
    await createOrder('240101_tv2', { embed_data: embedData, item, app_user: 'Nguyễn Văn A' });

    const paid = await server.emulator.pay('240101_tv2');

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request!.body) as { data: string; mac: string; type: number };
    expect(Object.keys(body)).toEqual(['data', 'mac', 'type']);
    expect(body.type).toBe(1);
    expect(body.mac).toBe(createHmac('sha256', KEY2).update(body.data, 'utf8').digest('hex'));
    const data = JSON.parse(body.data) as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(TV2_FIELDS);
    expect(data).toMatchObject({
      app_id: 2553,
      app_trans_id: '240101_tv2',
      app_time: VECTOR_TIME,
      app_user: 'Nguyễn Văn A',
      amount: 50000,
      embed_data: embedData,
      item,
      zp_trans_id: paid.zpTransId,
      server_time: VECTOR_TIME,
      channel: 38,
      user_fee_amount: 0,
      discount_amount: 0,
    });
    expect(String(data.zp_trans_id)).toMatch(/^240101\d{9}$/);
    // Our own callback verifier agrees with the emulator.
    expect(verifyCallback(body, APP)).toMatchObject({
      ok: true,
      data: { zpTransId: String(paid.zpTransId) },
    });
    expect(server.emulator.callbackLog).toEqual([
      expect.objectContaining({ appTransId: '240101_tv2', attempt: 1, returnCode: 1, willRetry: false }),
    ]);
  });

  it('retries a return_code 0 three more times, then stops', async () => {
    await setUp([returnCode(0)]);
    await createOrder('240101_zero');
    await server.emulator.pay('240101_zero');
    await server.emulator.idle();
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(server.emulator.callbackLog.map((a) => [a.attempt, a.returnCode, a.willRetry])).toEqual([
      [1, 0, true],
      [2, 0, true],
      [3, 0, true],
      [4, 0, false],
    ]);
  });

  it('retries a dropped connection, an HTTP 500 and a non-JSON answer until one is accepted', async () => {
    await setUp(['drop', { status: 500, body: '{"return_code":1}' }, { body: 'OK' }, returnCode(1)]);
    await createOrder('240101_flaky');
    await server.emulator.pay('240101_flaky');
    await server.emulator.idle();
    expect(receiver.received).toHaveLength(4);
    const log = server.emulator.callbackLog;
    expect(log.map((a) => a.willRetry)).toEqual([true, true, true, false]);
    expect(log[0]?.error).toBeDefined();
    expect(log[1]).toMatchObject({ httpStatus: 500, error: 'HTTP 500' });
    expect(log[2]).toMatchObject({ httpStatus: 200, error: 'answer is not JSON' });
    expect(log[3]).toMatchObject({ returnCode: 1, error: undefined });
  });

  it('retries when the merchant does not answer in time', async () => {
    // Long enough for the answer of the second attempt on a loaded machine (20 ms was not).
    await setUp(['hang', returnCode(1)], { callbackTimeoutMs: 1000 });
    await createOrder('240101_slow');
    await server.emulator.pay('240101_slow');
    await server.emulator.idle();
    expect(server.emulator.callbackLog.map((a) => [a.error, a.returnCode])).toEqual([
      ['no answer within 1000 ms', undefined],
      [undefined, 1],
    ]);
  });

  it.each([1, 2, -1, 3])('does not retry after return_code %i', async (code) => {
    await setUp([returnCode(code), returnCode(1)]);
    await createOrder('240101_final');
    await server.emulator.pay('240101_final');
    await server.emulator.idle();
    expect(receiver.received).toHaveLength(1);
    expect(server.emulator.callbackLog).toEqual([
      expect.objectContaining({ returnCode: code, willRetry: false }),
    ]);
  });

  it('resolves pay() after the first attempt and cancels the pending retries on close', async () => {
    await setUp([returnCode(0)], { callbackRetryDelayMs: 600_000 });
    await createOrder('240101_first');
    await server.emulator.pay('240101_first');
    expect(receiver.received).toHaveLength(1);
    expect(server.emulator.callbackLog).toEqual([expect.objectContaining({ attempt: 1, willRetry: true })]);
    await server.close();
    expect(receiver.received).toHaveLength(1);
  });

  it('sends nothing when the callback is "lost", though the order is paid', async () => {
    await setUp([returnCode(1)]);
    await createOrder('240101_lost');
    await server.emulator.pay('240101_lost', { callback: 'lost' });
    await server.emulator.idle();
    expect(receiver.received).toHaveLength(0);
    expect(server.emulator.callbackLog).toHaveLength(0);
    expect((await postForm(`${server.url}/v2/query`, queryFields('240101_lost'))).json.return_code).toBe(1);
  });

  it('sends the callback when a processing payment finishes paid, none when it fails', async () => {
    await setUp([returnCode(1)]);
    await createOrder('240101_proc_ok');
    await createOrder('240101_proc_ko');
    server.emulator.startProcessing('240101_proc_ok');
    server.emulator.startProcessing('240101_proc_ko');
    await server.emulator.finishProcessing('240101_proc_ko', 'failed');
    await server.emulator.finishProcessing('240101_proc_ok', 'paid');
    expect(receiver.received.map((r) => JSON.parse(JSON.parse(r.body).data).app_trans_id)).toEqual([
      '240101_proc_ok',
    ]);
  });

  it('refuses to pay twice, to pay a cancelled or expired order, and names an unknown one', async () => {
    const time = manualClock();
    await setUp([returnCode(1)], { clock: time.clock });
    await createOrder('240101_once');
    await server.emulator.pay('240101_once');
    await expect(server.emulator.pay('240101_once')).rejects.toMatchObject({
      name: 'EmulatorStateError',
      state: 'paid',
    });
    await createOrder('240101_gone');
    server.emulator.cancel('240101_gone');
    await expect(server.emulator.pay('240101_gone')).rejects.toMatchObject({ state: 'cancelled' });
    await createOrder('240101_late');
    time.advance(900_000);
    await expect(server.emulator.pay('240101_late')).rejects.toMatchObject({ state: 'expired' });
    expect(() => server.emulator.cancel('240101_nobody')).toThrow(/unknown/);
    expect(receiver.received).toHaveLength(1);
  });
});
