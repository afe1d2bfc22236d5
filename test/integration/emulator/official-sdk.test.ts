import { createHmac } from 'node:crypto';
import type { EmulatorServer } from '../../../local/emulator';
import { verifyCallback } from '../../../shared/core/zalopay/callback';
import {
  APP,
  KEY1,
  KEY2,
  manualClock,
  returnCode,
  startEmulator,
  startReceiver,
  VECTOR_TIME,
} from './helpers';

/**
 * The emulator as a stand-in for ZaloPay with a client other than ours: requests shaped exactly as
 * ZaloPay's official Node SDK (zalopay-nodejs) sends them. Its current release signs, then posts
 * `JSON.stringify(request)` through axios, which labels a string body
 * `application/x-www-form-urlencoded`; numbers stay numbers, and an order without `callback_url`
 * relies on the URL registered for the app. Its older release posts the create with every field in
 * the query string and no body.
 */
const sign = (...fields: Array<string | number>): string =>
  createHmac('sha256', KEY1).update(fields.join('|')).digest('hex');

/** What axios sends for `httpClient.post(path, jsonText)`. */
const sdkPost = async (url: string, body: Record<string, unknown>) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/plain, */*',
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'axios/1.7.9',
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
};

/** The SDK's `OrderCreateRequest` with its optional fields, `app_time` a number, no `callback_url`. */
const sdkOrder = (appTransId: string) => {
  const order = {
    app_id: APP.appId,
    app_user: 'user123',
    app_trans_id: appTransId,
    app_time: VECTOR_TIME,
    amount: 50000,
    title: 'Cà phê',
    description: 'ZaloPay SDK demo',
    item: JSON.stringify([{ itemid: 'cf', itemname: 'Cà phê sữa đá', itemprice: 50000, itemquantity: 1 }]),
    embed_data: JSON.stringify({ redirecturl: 'https://shop.example/result' }),
    device_info: '{}',
    bank_code: '',
  };
  const mac = sign(
    order.app_id,
    order.app_trans_id,
    order.app_user,
    order.amount,
    order.app_time,
    order.embed_data,
    order.item,
  );
  return { ...order, mac };
};

const sdkQuery = (appTransId: string) => ({
  app_id: APP.appId,
  app_trans_id: appTransId,
  mac: sign(APP.appId, appTransId, KEY1),
});

describe('ZaloPay emulator with the official Node SDK', () => {
  let server: EmulatorServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    receiver = await startReceiver([returnCode(1)]);
    server = await startEmulator({
      clock: manualClock().clock,
      apps: [{ ...APP, callbackUrl: receiver.url }],
    });
  });
  afterEach(async () => {
    await server.close();
    await receiver.close();
  });

  it('creates an order from a JSON body sent as form-urlencoded, answering every field ZaloPay sends', async () => {
    const created = await sdkPost(`${server.url}/v2/create`, sdkOrder('240101_sdk'));
    expect(created).toEqual({
      return_code: 1,
      return_message: expect.any(String),
      sub_return_code: 1,
      sub_return_message: expect.any(String),
      zp_trans_token: expect.any(String),
      order_url: expect.stringMatching(/\/openinapp\?order=/),
      order_token: created.zp_trans_token,
      qr_code: expect.stringMatching(/^000201/),
    });
  });

  it('sends the callback of an order created without callback_url to the app’s registered URL', async () => {
    await sdkPost(`${server.url}/v2/create`, sdkOrder('240101_sdkcb'));
    await server.emulator.pay('240101_sdkcb');
    await server.emulator.idle();

    expect(receiver.received).toHaveLength(1);
    const verified = verifyCallback(JSON.parse(receiver.received[0]!.body), {
      appId: APP.appId,
      key1: KEY1,
      key2: KEY2,
    });
    expect(verified).toMatchObject({ ok: true, data: { appTransId: '240101_sdkcb', amount: 50000 } });
  });

  it('takes an empty callback_url for none, and the order’s own callback_url over the app’s', async () => {
    const other = await startReceiver([returnCode(1)]);
    try {
      await sdkPost(`${server.url}/v2/create`, { ...sdkOrder('240101_empty'), callback_url: '' });
      await sdkPost(`${server.url}/v2/create`, { ...sdkOrder('240101_own'), callback_url: other.url });
      await server.emulator.pay('240101_empty');
      await server.emulator.pay('240101_own');
      await server.emulator.idle();
      expect(receiver.received.map((r) => JSON.parse(JSON.parse(r.body).data).app_trans_id)).toEqual([
        '240101_empty',
      ]);
      expect(other.received).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('answers the query with numbers as numbers and is_processing as a boolean', async () => {
    await sdkPost(`${server.url}/v2/create`, sdkOrder('240101_sdkq'));
    expect(await sdkPost(`${server.url}/v2/query`, sdkQuery('240101_sdkq'))).toMatchObject({
      return_code: 3,
      is_processing: false,
      amount: 0,
      zp_trans_id: 0,
    });
    await server.emulator.pay('240101_sdkq');
    expect(await sdkPost(`${server.url}/v2/query`, sdkQuery('240101_sdkq'))).toEqual({
      return_code: 1,
      return_message: expect.any(String),
      sub_return_code: 1,
      sub_return_message: expect.any(String),
      is_processing: false,
      amount: 50000,
      discount_amount: 0,
      zp_trans_id: expect.any(Number),
      server_time: VECTOR_TIME,
    });
  });

  it('creates an order from the older release’s query-string POST with no body', async () => {
    const params = new URLSearchParams(
      Object.entries(sdkOrder('240101_old')).map(([k, v]) => [k, String(v)] as [string, string]),
    );
    const response = await fetch(`${server.url}/v2/create?${params}`, { method: 'POST' });
    expect(await response.json()).toMatchObject({ return_code: 1 });
  });

  it('refuses a malformed JSON body sent as form-urlencoded with -401', async () => {
    const response = await fetch(`${server.url}/v2/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"app_id": 2553,',
    });
    expect(await response.json()).toMatchObject({ return_code: 2, sub_return_code: -401 });
  });

  it('sends no callback for an order without callback_url when the app has no registered URL', async () => {
    const bare = await startEmulator({ clock: manualClock().clock });
    try {
      await sdkPost(`${bare.url}/v2/create`, sdkOrder('240101_bare'));
      await bare.emulator.pay('240101_bare');
      await bare.emulator.idle();
      expect(bare.emulator.callbackLog).toEqual([]);
      expect(bare.emulator.order('240101_bare')?.status).toBe('paid');
    } finally {
      await bare.close();
    }
  });
});
