import { verifyCallback, verifyRedirect } from '../../../shared/core/zalopay/callback';
import { callbackMac, redirectChecksum } from '../../../shared/core/zalopay/mac';
import { SANDBOX } from '../../support/sandbox';

// §11 TV2: ZaloPay's documented callback for app 2553.
const TV2_DATA =
  '{"app_id":2553,"app_trans_id":"200904_2553_1598435687208","app_time":1599189392817,"app_user":"demo","amount":10000,"embed_data":"{\\"merchantinfo\\":\\"embeddata123\\",\\"promotioninfo\\":\\"\\"}","item":"[{\\"itemid\\":\\"knb\\",\\"itemname\\":\\"kim nguyen bao\\",\\"itemprice\\":198400,\\"itemquantity\\":1}]","zp_trans_id":200904000000389,"server_time":1599189413498,"channel":38,"merchant_user_id":"7ZMSl3nEg5sOUJzOLSoUFT8xKNQVaLOLXHB--8Eytqc","user_fee_amount":0,"discount_amount":0}';
const TV2 = {
  data: TV2_DATA,
  mac: 'd8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67',
  type: 1,
};

describe('callback verification', () => {
  it('accepts ZaloPay`s documented callback and reads its fields, the id as a string', () => {
    const result = verifyCallback(TV2, SANDBOX);
    expect(result).toEqual({
      ok: true,
      data: expect.objectContaining({
        appId: 2553,
        appTransId: '200904_2553_1598435687208',
        amount: 10_000,
        zpTransId: '200904000000389',
        serverTime: 1599189413498,
        channel: 38,
      }),
    });
  });

  it('during a key rotation accepts the previous key2 too, and only those two', () => {
    const rotated = { ...SANDBOX, key2: 'the-new-key2-000000000000000000', key2Previous: SANDBOX.key2 };
    expect(verifyCallback(TV2, rotated).ok).toBe(true);
    expect(verifyCallback(TV2, { ...SANDBOX, key2: 'the-new-key2-000000000000000000' })).toEqual({
      ok: false,
      reason: 'bad-mac',
    });
  });

  it.each([
    [{ ...TV2, mac: TV2.mac.replace('d8', '8d') }, 'bad-mac'],
    [{ ...TV2, data: `${TV2.data} ` }, 'bad-mac'],
    [{ ...TV2, type: 2 }, 'wrong-type'],
    [{ data: TV2.data, mac: TV2.mac }, 'malformed'],
    [{ ...TV2, type: '1' }, 'malformed'],
    [undefined, 'malformed'],
  ])('refuses %#: %s', (body, reason) => {
    expect(verifyCallback(body, SANDBOX)).toEqual({ ok: false, reason });
  });

  it('checks the MAC before parsing, and the app after', () => {
    const foreign = TV2.data.replace('"app_id":2553', '"app_id":554');
    expect(
      verifyCallback({ data: foreign, mac: callbackMac(SANDBOX.key2, foreign), type: 1 }, SANDBOX),
    ).toEqual({
      ok: false,
      reason: 'wrong-app',
    });
    const broken = '{"app_id":2553';
    expect(
      verifyCallback({ data: broken, mac: callbackMac(SANDBOX.key2, broken), type: 1 }, SANDBOX),
    ).toEqual({
      ok: false,
      reason: 'unreadable',
      unreadable: { problem: 'data is not JSON' },
    });
  });

  it.each([
    ['server_time', 8.64e15 + 1],
    ['app_time', -1],
    ['server_time', Date.UTC(2100, 0, 2)],
  ])('reads a signed callback whose %s is %d as unreadable, with what can be read of it', (field, value) => {
    const data = TV2.data.replace(new RegExp(`"${field}":\\d+`), `"${field}":${value}`);
    expect(verifyCallback({ data, mac: callbackMac(SANDBOX.key2, data), type: 1 }, SANDBOX)).toEqual({
      ok: false,
      reason: 'unreadable',
      unreadable: expect.objectContaining({ problem: `unreadable ${field}`, appTransId: expect.any(String) }),
    });
  });
});

describe('redirect verification', () => {
  const params = {
    appid: '2553',
    apptransid: '240101_123456',
    pmcid: '38',
    bankcode: '',
    amount: '50000',
    discountamount: '0',
    status: '1',
  };
  // §11 TV11.
  const checksum = '2b2417ddabfc0faacf5eadcaf8ef10996ca2f365441ecd1d2e3e9ac2beb48d0e';

  it('accepts the documented checksum, with its empty bankcode', () => {
    expect(verifyRedirect({ ...params, checksum }, SANDBOX)).toEqual({
      appTransId: '240101_123456',
      status: 1,
      amount: 50_000,
      params,
    });
  });

  it('refuses a changed value, a missing field, another app', () => {
    expect(verifyRedirect({ ...params, amount: '500', checksum }, SANDBOX)).toBeUndefined();
    expect(verifyRedirect({ ...params, bankcode: undefined, checksum }, SANDBOX)).toBeUndefined();
    expect(verifyRedirect({ ...params }, SANDBOX)).toBeUndefined();
    const other = { ...params, appid: '554' };
    expect(
      verifyRedirect({ ...other, checksum: redirectChecksum(SANDBOX.key2, other) }, SANDBOX),
    ).toBeUndefined();
  });
});
