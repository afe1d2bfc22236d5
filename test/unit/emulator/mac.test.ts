import {
  callbackMac,
  createMac,
  hmacHex,
  macMatches,
  queryMac,
  queryRefundMac,
  redirectChecksum,
  refundMac,
} from '../../../local/emulator/mac';

// docs/zalopay-protocol.md §11, checked against the emulator's own formulas (not shared/core/zalopay/mac.ts).
const KEY1 = 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL';
const KEY2 = 'kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz';

describe('emulator MAC formulas against the §11 vectors', () => {
  const create = {
    app_id: '2553',
    app_trans_id: '240101_123456',
    app_user: 'user123',
    amount: '50000',
    app_time: '1704067200000',
    item: '[]',
  };

  it('TV1: v1 create of app 553', () => {
    expect(
      createMac('9phuAOYhan4urywHTh0ndEXiV3pKHr5Q', {
        app_id: '553',
        app_trans_id: '200904_000234',
        app_user: 'user123',
        amount: '10000',
        app_time: '1599202366026',
        embed_data: '{}',
        item: '[]',
      }),
    ).toBe('7e95836a9feace32458f23416feea423172ef0a098f27a668a1e10788b5a6838');
  });

  it('TV2: callback data of app 2553', () => {
    const data =
      '{"app_id":2553,"app_trans_id":"200904_2553_1598435687208","app_time":1599189392817,"app_user":"demo","amount":10000,"embed_data":"{\\"merchantinfo\\":\\"embeddata123\\",\\"promotioninfo\\":\\"\\"}","item":"[{\\"itemid\\":\\"knb\\",\\"itemname\\":\\"kim nguyen bao\\",\\"itemprice\\":198400,\\"itemquantity\\":1}]","zp_trans_id":200904000000389,"server_time":1599189413498,"channel":38,"merchant_user_id":"7ZMSl3nEg5sOUJzOLSoUFT8xKNQVaLOLXHB--8Eytqc","user_fee_amount":0,"discount_amount":0}';
    expect(callbackMac(KEY2, data)).toBe('d8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67');
  });

  it('TV3 and TV11: redirect checksums, empty bankcode', () => {
    const redirect = { pmcid: '38', bankcode: '', amount: '50000', discountamount: '0' };
    expect(
      redirectChecksum('uUfsWgfLkRLzq6W2uNXTCxrfxs51auny', {
        ...redirect,
        appid: '554',
        apptransid: '211022_beb80b6f-2d09-4b61-94d9-af95be844eca',
        status: '-59',
      }),
    ).toBe('ec359685cb75b330a8596f818e803b1786820a2a5e6b31d7a57bafa0085429aa');
    expect(
      redirectChecksum(KEY2, { ...redirect, appid: '2553', apptransid: '240101_123456', status: '1' }),
    ).toBe('2b2417ddabfc0faacf5eadcaf8ef10996ca2f365441ecd1d2e3e9ac2beb48d0e');
  });

  it('TV4, TV5 and TV14: create', () => {
    expect(createMac(KEY1, { ...create, embed_data: '{"redirecturl":"https://example.com/result"}' })).toBe(
      'eb695499a51585f1b7fcc677cccdd2c13eede2bdaefb139f18dc2b3816bd6257',
    );
    expect(createMac(KEY1, { ...create, embed_data: '{}' })).toBe(
      '25582ddf00033e1723a7a4d7daa2f6c7a7a93174489b9c470cfd45dd30377254',
    );
    expect(
      createMac('sdngKKJmqEMzvh5QQcdD2A9XBSKUNaYn', {
        app_id: '2554',
        app_trans_id: '230407_13221300383',
        app_user: 'user123',
        amount: '50000',
        app_time: '1680848533635',
        embed_data: '{}',
        item: 'item',
      }),
    ).toBe('6d2c87577af20b4786d89729d64dc7820c5c462afd91e4c5b49353f83376ac81');
  });

  it('TV6 and TV13: query ends with key1 itself', () => {
    expect(queryMac(KEY1, '2553', '240101_123456')).toBe(
      '1f398e7ecd7cc19e0c1baa0f82a47e11cb1042544f9d90dd55bbb0aa2522c2d0',
    );
    expect(queryMac('9phuAOYhan4urywHTh0ndEXiV3pKHr5Q', '553', '200904_000234')).toBe(
      '356eeccb0f8831d65f44e152fa8321c3f518818273a0d5ab37414bf1a3e672aa',
    );
  });

  const refund = {
    app_id: '2553',
    zp_trans_id: '240101000000001',
    amount: '50000',
    timestamp: '1704067500000',
  };

  it('TV7 and TV9: refund without and with refund_fee_amount', () => {
    expect(refundMac(KEY1, { ...refund, description: 'Refund order 240101_123456' })).toBe(
      'fc1ee7f65b3dbbe53150e7687c57b955b127305719ab45f84873fb139e84ccf3',
    );
    expect(
      refundMac(KEY1, { ...refund, refund_fee_amount: '1000', description: 'Refund order 240101_123456' }),
    ).toBe('667243b54bd54f07619bb3971d803e9408013a112d6c7e845499fb1240436792');
  });

  it('TV8: the text is signed as given, so NFC and NFD differ', () => {
    const text = 'Hoàn tiền đơn hàng';
    expect(refundMac(KEY1, { ...refund, description: text.normalize('NFC') })).toBe(
      'b103576062034d30d414539d4795981ac546075e3b1a35bd839a36a0f16b6864',
    );
    expect(refundMac(KEY1, { ...refund, description: text.normalize('NFD') })).toBe(
      'ed7cdb65169ce0b383b826e922450ded5e00d480cea1a4c25bf7c4ec8822424d',
    );
  });

  it('TV10: query_refund', () => {
    expect(queryRefundMac(KEY1, '2553', '240101_2553_refund001', '1704067600000')).toBe(
      'a1b51ca804f3a7725c2cfa15efc1a60876b2ec401ade8551b000643215ef38f9',
    );
  });

  it('TV12: the plain HMAC over appid|reqtime', () => {
    expect(hmacHex(KEY1, '2553|1704067200000')).toBe(
      'd1caddf1670bf003ea9da1370aeb820a3df2e29cca13fe58c45b7e3322f7b26f',
    );
  });

  it('compares MACs exactly: case and length matter', () => {
    const mac = hmacHex('k', 'x');
    expect(macMatches(mac, mac)).toBe(true);
    expect(macMatches(mac, mac.toUpperCase())).toBe(false);
    expect(macMatches(mac, mac.slice(1))).toBe(false);
    expect(macMatches(mac, '')).toBe(false);
  });
});
