import {
  bankListMac,
  callbackMac,
  createOrderMac,
  hmacHex,
  macEquals,
  nfc,
  queryOrderMac,
  queryRefundMac,
  redirectChecksum,
  refundMac,
  verifyCallbackMac,
} from '../../../shared/core/zalopay/mac';

// Golden vectors from docs/zalopay-protocol.md §11. TV1–TV3 match values ZaloPay published or real traffic.
const KEY1_2553 = 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL';
const KEY2_2553 = 'kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz';

describe('ZaloPay MACs against the §11 vectors', () => {
  it('TV1: v1 create of app 553 (docs QR page)', () => {
    expect(
      createOrderMac('9phuAOYhan4urywHTh0ndEXiV3pKHr5Q', {
        appId: 553,
        appTransId: '200904_000234',
        appUser: 'user123',
        amount: 10000,
        appTime: 1599202366026,
        embedData: '{}',
        item: '[]',
      }),
    ).toBe('7e95836a9feace32458f23416feea423172ef0a098f27a668a1e10788b5a6838');
  });

  it('TV2: v2 callback of app 2553 (docs callback sample)', () => {
    const data =
      '{"app_id":2553,"app_trans_id":"200904_2553_1598435687208","app_time":1599189392817,"app_user":"demo","amount":10000,"embed_data":"{\\"merchantinfo\\":\\"embeddata123\\",\\"promotioninfo\\":\\"\\"}","item":"[{\\"itemid\\":\\"knb\\",\\"itemname\\":\\"kim nguyen bao\\",\\"itemprice\\":198400,\\"itemquantity\\":1}]","zp_trans_id":200904000000389,"server_time":1599189413498,"channel":38,"merchant_user_id":"7ZMSl3nEg5sOUJzOLSoUFT8xKNQVaLOLXHB--8Eytqc","user_fee_amount":0,"discount_amount":0}';
    const mac = 'd8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67';
    expect(callbackMac(KEY2_2553, data)).toBe(mac);
    expect(verifyCallbackMac([KEY2_2553], data, mac)).toBe(true);
    expect(verifyCallbackMac(['wrong-key', KEY2_2553], data, mac)).toBe(true);
    expect(verifyCallbackMac([KEY2_2553], `${data} `, mac)).toBe(false);
  });

  it('TV3: redirect checksum of app 554 (real sandbox redirect, empty bankcode)', () => {
    expect(
      redirectChecksum('uUfsWgfLkRLzq6W2uNXTCxrfxs51auny', {
        appid: '554',
        apptransid: '211022_beb80b6f-2d09-4b61-94d9-af95be844eca',
        pmcid: '38',
        bankcode: '',
        amount: '50000',
        discountamount: '0',
        status: '-59',
      }),
    ).toBe('ec359685cb75b330a8596f818e803b1786820a2a5e6b31d7a57bafa0085429aa');
  });

  const create = {
    appId: 2553,
    appTransId: '240101_123456',
    appUser: 'user123',
    amount: 50000,
    appTime: 1704067200000,
  };

  it('TV4: create with redirecturl', () => {
    expect(
      createOrderMac(KEY1_2553, {
        ...create,
        embedData: '{"redirecturl":"https://example.com/result"}',
        item: '[]',
      }),
    ).toBe('eb695499a51585f1b7fcc677cccdd2c13eede2bdaefb139f18dc2b3816bd6257');
  });

  it('TV5: create with empty JSON', () => {
    expect(createOrderMac(KEY1_2553, { ...create, embedData: '{}', item: '[]' })).toBe(
      '25582ddf00033e1723a7a4d7daa2f6c7a7a93174489b9c470cfd45dd30377254',
    );
  });

  it('TV6: query ends with key1 itself', () => {
    expect(queryOrderMac(KEY1_2553, 2553, '240101_123456')).toBe(
      '1f398e7ecd7cc19e0c1baa0f82a47e11cb1042544f9d90dd55bbb0aa2522c2d0',
    );
  });

  const refund = { appId: 2553, zpTransId: '240101000000001', amount: 50000, timestamp: 1704067500000 };

  it('TV7: refund without fee', () => {
    expect(refundMac(KEY1_2553, { ...refund, description: 'Refund order 240101_123456' })).toBe(
      'fc1ee7f65b3dbbe53150e7687c57b955b127305719ab45f84873fb139e84ccf3',
    );
  });

  it('TV8: refund with a Vietnamese description: NFC, never NFD', () => {
    const nfd = 'Hoàn tiền đơn hàng'.normalize('NFD');
    expect(Buffer.from(nfc(nfd), 'utf8').toString('hex')).toBe(
      '486fc3a06e207469e1bb816e20c491c6a16e2068c3a06e67',
    );
    expect(refundMac(KEY1_2553, { ...refund, description: nfc(nfd) })).toBe(
      'b103576062034d30d414539d4795981ac546075e3b1a35bd839a36a0f16b6864',
    );
    expect(refundMac(KEY1_2553, { ...refund, description: nfd })).toBe(
      'ed7cdb65169ce0b383b826e922450ded5e00d480cea1a4c25bf7c4ec8822424d',
    );
  });

  it('TV9: refund with refund_fee_amount', () => {
    expect(
      refundMac(KEY1_2553, { ...refund, refundFeeAmount: 1000, description: 'Refund order 240101_123456' }),
    ).toBe('667243b54bd54f07619bb3971d803e9408013a112d6c7e845499fb1240436792');
  });

  it('TV10: query_refund', () => {
    expect(queryRefundMac(KEY1_2553, 2553, '240101_2553_refund001', 1704067600000)).toBe(
      'a1b51ca804f3a7725c2cfa15efc1a60876b2ec401ade8551b000643215ef38f9',
    );
  });

  it('TV11: redirect checksum of app 2553', () => {
    expect(
      redirectChecksum(KEY2_2553, {
        appid: '2553',
        apptransid: '240101_123456',
        pmcid: '38',
        bankcode: '',
        amount: '50000',
        discountamount: '0',
        status: '1',
      }),
    ).toBe('2b2417ddabfc0faacf5eadcaf8ef10996ca2f365441ecd1d2e3e9ac2beb48d0e');
  });

  it('TV12: bank list', () => {
    expect(bankListMac(KEY1_2553, 2553, 1704067200000)).toBe(
      'd1caddf1670bf003ea9da1370aeb820a3df2e29cca13fe58c45b7e3322f7b26f',
    );
  });

  it('TV13: v1 getstatusbyapptransid of app 553', () => {
    const key1 = '9phuAOYhan4urywHTh0ndEXiV3pKHr5Q';
    expect(queryOrderMac(key1, 553, '200904_000234')).toBe(
      '356eeccb0f8831d65f44e152fa8321c3f518818273a0d5ab37414bf1a3e672aa',
    );
  });

  it('TV14: create of app 2554 (Node SDK unit test)', () => {
    expect(
      createOrderMac('sdngKKJmqEMzvh5QQcdD2A9XBSKUNaYn', {
        appId: 2554,
        appTransId: '230407_13221300383',
        appUser: 'user123',
        amount: 50000,
        appTime: 1680848533635,
        embedData: '{}',
        item: 'item',
      }),
    ).toBe('6d2c87577af20b4786d89729d64dc7820c5c462afd91e4c5b49353f83376ac81');
  });
});

describe('MAC helpers', () => {
  it('refuses to sign a non-integer amount instead of writing 50000.5 or 1e21', () => {
    expect(() => createOrderMac('k', { ...create(), amount: 50000.5 })).toThrow(RangeError);
    expect(() => createOrderMac('k', { ...create(), amount: 1e21 })).toThrow(RangeError);
  });

  it('compares MACs only when the received value is a string of the same length', () => {
    const mac = hmacHex('k', 'x');
    expect(macEquals(mac, mac)).toBe(true);
    expect(macEquals(mac, mac.toUpperCase())).toBe(false);
    expect(macEquals(mac, mac.slice(1))).toBe(false);
    expect(macEquals(mac, undefined)).toBe(false);
    expect(macEquals(mac, 42)).toBe(false);
  });
});

function create() {
  return { appId: 1, appTransId: 'a', appUser: 'u', amount: 1, appTime: 1, embedData: '{}', item: '[]' };
}
