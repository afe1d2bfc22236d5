import type { EmulatorServer } from '../../../local/emulator';
import {
  APP_ID,
  createFields,
  type Fields,
  hmac,
  KEY1,
  manualClock,
  postForm,
  postJson,
  postQuery,
  queryFields,
  queryRefundFields,
  refundFields,
  startEmulator,
  TV5_CREATE,
  VECTOR_TIME,
} from './helpers';

const MINUTE = 60_000;

/** Reads EMVCo tag/length/value objects at the top level of a payload. */
const tlvs = (payload: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (let i = 0; i < payload.length; ) {
    const tag = payload.slice(i, i + 2);
    const length = Number(payload.slice(i + 2, i + 4));
    out.set(tag, payload.slice(i + 4, i + 4 + length));
    i += 4 + length;
  }
  return out;
};

const crc16 = (text: string): string => {
  let crc = 0xffff;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
};

describe('ZaloPay emulator API', () => {
  let server: EmulatorServer;
  let time: ReturnType<typeof manualClock>;
  const api = (op: string) => `${server.url}/v2/${op}`;

  beforeEach(async () => {
    time = manualClock();
    server = await startEmulator({ clock: time.clock });
  });
  afterEach(() => server.close());

  const createTv5 = async () => {
    const created = await postForm(api('create'), TV5_CREATE);
    expect(created.json.return_code).toBe(1);
  };

  describe('create', () => {
    it('accepts §11 TV4 with its published MAC and answers like ZaloPay', async () => {
      const { status, json } = await postForm(api('create'), {
        app_id: 2553,
        app_trans_id: '240101_123456',
        app_user: 'user123',
        amount: 50000,
        app_time: 1704067200000,
        embed_data: '{"redirecturl":"https://example.com/result"}',
        item: '[]',
        description: 'Order 240101_123456',
        bank_code: 'zalopayapp',
        mac: 'eb695499a51585f1b7fcc677cccdd2c13eede2bdaefb139f18dc2b3816bd6257',
      });

      expect(status).toBe(200);
      expect(json).toMatchObject({
        return_code: 1,
        return_message: 'Giao dịch thành công',
        sub_return_code: 1,
        sub_return_message: 'Giao dịch thành công',
      });
      expect(json.order_token).toBe(json.zp_trans_token);
      const orderUrl = new URL(String(json.order_url));
      expect(`${orderUrl.origin}${orderUrl.pathname}`).toBe(`${server.url}/openinapp`);
      const decoded = JSON.parse(Buffer.from(orderUrl.searchParams.get('order')!, 'base64').toString('utf8'));
      expect(decoded).toEqual({ zptranstoken: json.zp_trans_token, appid: 2553 });
    });

    it('returns a VietQR payload with ZaloPay merchant info, the amount and a correct CRC', async () => {
      const { json } = await postForm(api('create'), TV5_CREATE);
      const qr = String(json.qr_code);
      expect(qr.startsWith('000201010212')).toBe(true);
      const tags = tlvs(qr);
      expect(tags.get('26')).toContain('vn.zalopay');
      expect(tags.get('54')).toBe('50000');
      expect(tags.get('53')).toBe('704');
      expect(tags.get('63')).toBe(crc16(qr.slice(0, -4)));
    });

    it('accepts §11 TV5 as a JSON body and as a query string with an empty body', async () => {
      expect((await postJson(api('create'), TV5_CREATE)).json.return_code).toBe(1);
      const again = createFields('240101_query_string', VECTOR_TIME, { description: 'Đơn hàng & "quà"' });
      expect((await postQuery(api('create'), again)).json.return_code).toBe(1);
      expect(server.emulator.order('240101_query_string')?.description).toBe('Đơn hàng & "quà"');
    });

    it.each([
      ['app_user', { app_user: 'user124' }],
      ['amount', { amount: 50001 }],
      ['embed_data', { embed_data: '{ }' }],
      ['mac', { mac: '25582ddf00033e1723a7a4d7daa2f6c7a7a93174489b9c470cfd45dd30377255' }],
    ])('answers -402 when %s differs by one character from what was signed', async (_field, change) => {
      const { json } = await postForm(api('create'), { ...TV5_CREATE, ...change });
      expect(json).toMatchObject({ return_code: 2, sub_return_code: -402 });
      expect(server.emulator.order('240101_123456')).toBeUndefined();
    });

    it('checks the MAC over the text exactly as sent: the NFD spelling of a signed NFC text fails', async () => {
      const nfc = 'Nguyễn Văn A';
      const signed = createFields('240101_nfc', VECTOR_TIME, { app_user: nfc });
      const nfd = await postForm(api('create'), { ...signed, app_user: nfc.normalize('NFD') });
      expect(nfd.json.sub_return_code).toBe(-402);
      expect((await postForm(api('create'), signed)).json.return_code).toBe(1);
    });

    it('answers -402 for an app that is not registered', async () => {
      const fields = createFields('240101_other_app', VECTOR_TIME, { app_id: 2554 });
      expect((await postForm(api('create'), fields)).json).toMatchObject({
        return_code: 2,
        sub_return_code: -402,
      });
    });

    it('answers -68 when the app_trans_id was already used', async () => {
      await createTv5();
      const { json } = await postForm(api('create'), TV5_CREATE);
      expect(json).toMatchObject({ return_code: 2, sub_return_code: -68 });
    });

    const missing = [
      'app_id',
      'app_user',
      'app_trans_id',
      'app_time',
      'amount',
      'description',
      'item',
      'embed_data',
      'mac',
    ];
    it.each(missing)('answers -401 when %s is missing', async (field) => {
      const fields: Fields = { ...TV5_CREATE };
      delete fields[field];
      expect((await postForm(api('create'), fields)).json).toMatchObject({
        return_code: 2,
        sub_return_code: -401,
      });
    });

    it.each<[string, Fields]>([
      ['app_id not an integer', { app_id: '2553a' }],
      ['app_user empty', { app_user: '' }],
      ['app_user over 50', { app_user: 'u'.repeat(51) }],
      ['app_trans_id over 40', { app_trans_id: `240101_${'x'.repeat(34)}` }],
      ['app_trans_id without a date', { app_trans_id: 'order_123456' }],
      ['app_trans_id with an impossible date', { app_trans_id: '241301_123' }],
      ['app_trans_id with characters outside [0-9A-Za-z_.-]', { app_trans_id: '240101_a b' }],
      ['amount zero', { amount: 0 }],
      ['amount negative', { amount: -5 }],
      ['amount with decimals', { amount: '50000.0' }],
      ['amount with a leading zero', { amount: '050000' }],
      ['app_time not an integer', { app_time: '1704067200000.5' }],
      ['description over 256', { description: 'd'.repeat(257) }],
      ['item not JSON', { item: '[' }],
      ['item an object', { item: '{}' }],
      ['item over 2048', { item: JSON.stringify(['x'.repeat(2050)]) }],
      ['embed_data an array', { embed_data: '[]' }],
      ['embed_data over 2048', { embed_data: JSON.stringify({ x: 'y'.repeat(2050) }) }],
      ['bank_code over 20', { bank_code: 'b'.repeat(21) }],
      ['expire_duration_seconds under 300', { expire_duration_seconds: 299 }],
      ['expire_duration_seconds over 30 days', { expire_duration_seconds: 2_592_001 }],
      ['callback_url not http(s)', { callback_url: 'ftp://merchant.example/cb' }],
    ])('answers -401 for %s', async (_case, change) => {
      const { json } = await postForm(api('create'), { ...TV5_CREATE, ...change });
      expect(json).toMatchObject({ return_code: 2, sub_return_code: -401 });
    });

    it('answers -401 for a validly signed order dated another day or timed 15+ minutes away', async () => {
      const yesterday = await postForm(api('create'), createFields('231231_late', VECTOR_TIME));
      expect(yesterday.json.sub_return_code).toBe(-401);
      const stale = await postForm(
        api('create'),
        createFields('240101_stale', VECTOR_TIME - 15 * MINUTE - 1),
      );
      expect(stale.json.sub_return_code).toBe(-401);
      const seconds = await postForm(api('create'), createFields('240101_seconds', VECTOR_TIME / 1000));
      expect(seconds.json.sub_return_code).toBe(-401);
      const fresh = await postForm(api('create'), createFields('240101_fresh', VECTOR_TIME - 15 * MINUTE));
      expect(fresh.json.return_code).toBe(1);
    });

    it("accepts yesterday's date only in the first minute after midnight in Vietnam", async () => {
      const midnightVn = Date.parse('2023-12-31T17:00:00Z');
      time.set(midnightVn + 59_999);
      expect((await postForm(api('create'), createFields('231231_grace', midnightVn))).json.return_code).toBe(
        1,
      );
      time.set(midnightVn + 60_000);
      expect(
        (await postForm(api('create'), createFields('231231_late', midnightVn))).json.sub_return_code,
      ).toBe(-401);
    });

    it('answers -405 for a body that is neither form nor JSON, -401 for broken JSON', async () => {
      const xml = await fetch(api('create'), {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<order/>',
      });
      expect(await xml.json()).toMatchObject({ return_code: 2, sub_return_code: -405 });
      const broken = await fetch(api('create'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"app_id":',
      });
      expect(await broken.json()).toMatchObject({ return_code: 2, sub_return_code: -401 });
    });
  });

  describe('query', () => {
    it('accepts §11 TV6 and answers 3 while the order is unpaid', async () => {
      await createTv5();
      const { json } = await postForm(api('query'), {
        app_id: 2553,
        app_trans_id: '240101_123456',
        mac: '1f398e7ecd7cc19e0c1baa0f82a47e11cb1042544f9d90dd55bbb0aa2522c2d0',
      });
      expect(json).toMatchObject({ return_code: 3, is_processing: false, amount: 0, zp_trans_id: 0 });
    });

    it('answers -402 for a MAC that is not key1 over app_id|app_trans_id|key1', async () => {
      await createTv5();
      const noKey = { ...queryFields('240101_123456'), mac: hmac(KEY1, APP_ID, '240101_123456') };
      expect((await postForm(api('query'), noKey)).json).toMatchObject({
        return_code: 2,
        sub_return_code: -402,
      });
    });

    it('answers 3 with is_processing while processing, then 1 with the payment', async () => {
      await createTv5();
      server.emulator.startProcessing('240101_123456');
      expect((await postForm(api('query'), queryFields('240101_123456'))).json).toMatchObject({
        return_code: 3,
        is_processing: true,
      });

      time.advance(30_000);
      await server.emulator.finishProcessing('240101_123456', 'paid');
      const { json } = await postJson(api('query'), queryFields('240101_123456'));
      expect(json).toEqual({
        return_code: 1,
        return_message: 'Giao dịch thành công',
        sub_return_code: 1,
        sub_return_message: 'Giao dịch thành công',
        is_processing: false,
        amount: 50000,
        discount_amount: 0,
        zp_trans_id: 240101000000001,
        server_time: VECTOR_TIME + 30_000,
      });
    });

    it('answers 2 for a failed, a cancelled and an expired order', async () => {
      await postForm(api('create'), createFields('240101_failed', VECTOR_TIME));
      server.emulator.startProcessing('240101_failed');
      await server.emulator.finishProcessing('240101_failed', 'failed');
      await postForm(api('create'), createFields('240101_cancelled', VECTOR_TIME));
      server.emulator.cancel('240101_cancelled');
      await postForm(
        api('create'),
        createFields('240101_expiring', VECTOR_TIME, { expire_duration_seconds: 300 }),
      );

      const query = async (id: string) => (await postForm(api('query'), queryFields(id))).json;
      expect(await query('240101_failed')).toMatchObject({ return_code: 2, sub_return_code: -217 });
      expect(await query('240101_cancelled')).toMatchObject({ return_code: 2, sub_return_code: -329 });
      time.advance(300_000 - 1);
      expect(await query('240101_expiring')).toMatchObject({ return_code: 3 });
      time.advance(1);
      expect(await query('240101_expiring')).toMatchObject({
        return_code: 2,
        sub_return_code: -54,
        is_processing: false,
        zp_trans_id: 0,
      });
    });

    it('lists every order it was asked to create, oldest first, as it stands now', async () => {
      await postForm(api('create'), createFields('240101_listed1', VECTOR_TIME));
      await postForm(api('create'), createFields('240101_listed2', VECTOR_TIME));
      server.emulator.cancel('240101_listed1');

      expect(server.emulator.orders().map((o) => [o.appTransId, o.status])).toEqual([
        ['240101_listed1', 'cancelled'],
        ['240101_listed2', 'unpaid'],
      ]);
    });

    it('expires an order after 15 minutes by default', async () => {
      await createTv5();
      time.advance(15 * MINUTE);
      expect((await postForm(api('query'), queryFields('240101_123456'))).json.sub_return_code).toBe(-54);
    });

    it('answers -101 for an unknown order and -92 for a malformed id', async () => {
      expect((await postForm(api('query'), queryFields('240101_nobody'))).json).toMatchObject({
        return_code: 2,
        sub_return_code: -101,
      });
      expect((await postForm(api('query'), queryFields('2401_x'))).json).toMatchObject({
        return_code: 2,
        sub_return_code: -92,
      });
    });

    it('answers -401 without a mac', async () => {
      const { mac: _mac, ...fields } = queryFields('240101_123456');
      expect((await postForm(api('query'), fields)).json.sub_return_code).toBe(-401);
    });
  });

  describe('refund and query_refund', () => {
    // §11 TV7–TV10 refund payment 240101000000001: the first payment of 2024-01-01 (sequence 1).
    const ZP_TRANS_ID = '240101000000001';
    const TV_TIMESTAMP = 1704067500000;

    const paidTv5 = async () => {
      await createTv5();
      const paid = await server.emulator.pay('240101_123456');
      expect(String(paid.zpTransId)).toBe(ZP_TRANS_ID);
    };

    const tvRefund = (description: string, mac: string, extra: Fields = {}) =>
      postForm(api('refund'), {
        app_id: 2553,
        m_refund_id: '240101_2553_refund001',
        zp_trans_id: ZP_TRANS_ID,
        amount: 50000,
        timestamp: TV_TIMESTAMP,
        description,
        ...extra,
        mac,
      });

    it('accepts §11 TV7 and answers 3 with a refund_id', async () => {
      await paidTv5();
      const { json } = await tvRefund(
        'Refund order 240101_123456',
        'fc1ee7f65b3dbbe53150e7687c57b955b127305719ab45f84873fb139e84ccf3',
      );
      expect(json).toMatchObject({ return_code: 3, sub_return_code: 2 });
      expect(Number.isSafeInteger(json.refund_id)).toBe(true);
      expect(server.emulator.order('240101_123456')?.refundedAmount).toBe(50000);
    });

    it('accepts §11 TV8 in NFC and refuses the same text in NFD (-402)', async () => {
      await paidTv5();
      const mac = 'b103576062034d30d414539d4795981ac546075e3b1a35bd839a36a0f16b6864';
      const nfd = await tvRefund('Hoàn tiền đơn hàng'.normalize('NFD'), mac);
      expect(nfd.json).toMatchObject({ return_code: 2, sub_return_code: -402 });
      const nfc = await tvRefund('Hoàn tiền đơn hàng'.normalize('NFC'), mac);
      expect(nfc.json.return_code).toBe(3);
    });

    it('accepts §11 TV9 with refund_fee_amount, and refuses it with the fee left out of the MAC', async () => {
      await paidTv5();
      const mac = '667243b54bd54f07619bb3971d803e9408013a112d6c7e845499fb1240436792';
      const withoutFee = await tvRefund('Refund order 240101_123456', mac);
      expect(withoutFee.json.sub_return_code).toBe(-402);
      const withFee = await tvRefund('Refund order 240101_123456', mac, { refund_fee_amount: 1000 });
      expect(withFee.json.return_code).toBe(3);
    });

    it('accepts §11 TV10 and answers 3 (sub 2) while the refund is processing', async () => {
      await paidTv5();
      await tvRefund(
        'Refund order 240101_123456',
        'fc1ee7f65b3dbbe53150e7687c57b955b127305719ab45f84873fb139e84ccf3',
      );
      const { json } = await postForm(api('query_refund'), {
        app_id: 2553,
        m_refund_id: '240101_2553_refund001',
        timestamp: 1704067600000,
        mac: 'a1b51ca804f3a7725c2cfa15efc1a60876b2ec401ade8551b000643215ef38f9',
      });
      expect(json).toMatchObject({ return_code: 3, sub_return_code: 2 });
    });

    it('answers 1 once the refund delay is over', async () => {
      await server.close();
      server = await startEmulator({ clock: time.clock, refundDelayMs: 5 });
      await paidTv5();
      const refund = refundFields({
        mRefundId: '240101_2553_r1',
        zpTransId: ZP_TRANS_ID,
        amount: 1000,
        timestamp: VECTOR_TIME,
      });
      expect((await postForm(api('refund'), refund)).json.return_code).toBe(3);
      await server.emulator.idle();
      expect(
        (await postForm(api('query_refund'), queryRefundFields('240101_2553_r1', VECTOR_TIME))).json,
      ).toMatchObject({
        return_code: 1,
        sub_return_code: 1,
      });
    });

    it('allows partial refunds up to the amount paid, then -14', async () => {
      await paidTv5();
      const refund = (id: string, amount: number) =>
        postForm(
          api('refund'),
          refundFields({ mRefundId: id, zpTransId: ZP_TRANS_ID, amount, timestamp: VECTOR_TIME }),
        );
      expect((await refund('240101_2553_a', 30000)).json.return_code).toBe(3);
      expect((await refund('240101_2553_b', 20001)).json).toMatchObject({
        return_code: 2,
        sub_return_code: -14,
      });
      expect((await refund('240101_2553_c', 0)).json.sub_return_code).toBe(-14);
      expect((await refund('240101_2553_d', 20000)).json.return_code).toBe(3);
      expect((await refund('240101_2553_e', 1)).json.sub_return_code).toBe(-14);
    });

    it.each<[string, Partial<Parameters<typeof refundFields>[0]>, number]>([
      ['m_refund_id without the yymmdd_appid_ form', { mRefundId: 'refund001' }, -24],
      ['m_refund_id over 45 characters', { mRefundId: `240101_2553_${'x'.repeat(34)}` }, -24],
      ['m_refund_id of another day', { mRefundId: '231231_2553_r' }, -25],
      ['m_refund_id of another app', { mRefundId: '240101_2554_r' }, -26],
      ['a timestamp over 15 minutes old', { timestamp: VECTOR_TIME - 15 * MINUTE - 1 }, -13],
      ['an unknown zp_trans_id', { zpTransId: '240101000000999' }, -101],
    ])('answers 2 for %s', async (_case, change, sub) => {
      await paidTv5();
      const fields = refundFields({
        mRefundId: '240101_2553_r',
        zpTransId: ZP_TRANS_ID,
        amount: 1000,
        timestamp: VECTOR_TIME,
        ...change,
      });
      expect((await postForm(api('refund'), fields)).json).toMatchObject({
        return_code: 2,
        sub_return_code: sub,
      });
    });

    it('answers -23 for a reused m_refund_id, -101 for an unpaid order, -401 for a long description', async () => {
      await paidTv5();
      const base = {
        mRefundId: '240101_2553_same',
        zpTransId: ZP_TRANS_ID,
        amount: 1000,
        timestamp: VECTOR_TIME,
      };
      expect((await postForm(api('refund'), refundFields(base))).json.return_code).toBe(3);
      expect((await postForm(api('refund'), refundFields(base))).json.sub_return_code).toBe(-23);

      await postForm(api('create'), createFields('240101_unpaid', VECTOR_TIME));
      const unpaid = refundFields({ ...base, mRefundId: '240101_2553_u', zpTransId: '0' });
      expect((await postForm(api('refund'), unpaid)).json.sub_return_code).toBe(-101);

      const long = refundFields({ ...base, mRefundId: '240101_2553_l', description: 'd'.repeat(101) });
      expect((await postForm(api('refund'), long)).json.sub_return_code).toBe(-401);
    });

    describe('planned outcomes', () => {
      const refundOf = (id: string, amount: number) =>
        postForm(
          api('refund'),
          refundFields({ mRefundId: id, zpTransId: ZP_TRANS_ID, amount, timestamp: VECTOR_TIME }),
        );
      const queryOf = async (id: string) =>
        (await postForm(api('query_refund'), queryRefundFields(id, VECTOR_TIME))).json;

      beforeEach(async () => {
        await server.close();
        server = await startEmulator({ clock: time.clock, refundDelayMs: 5 });
        await paidTv5();
      });

      it('a failing refund answers query_refund 2 with its sub code, and frees its amount', async () => {
        server.emulator.planRefund({ type: 'fail', subReturnCode: -32 });
        expect((await refundOf('240101_2553_f', 50000)).json.return_code).toBe(3);
        await server.emulator.idle();
        expect(await queryOf('240101_2553_f')).toMatchObject({ return_code: 2, sub_return_code: -32 });
        expect(server.emulator.order('240101_123456')?.refundedAmount).toBe(0);
        // The failed m_refund_id stays taken; the amount can be refunded under a new one.
        expect((await refundOf('240101_2553_f', 50000)).json.sub_return_code).toBe(-23);
        expect((await refundOf('240101_2553_g', 50000)).json.return_code).toBe(3);
      });

      it('a held refund stays processing until finished, and counts against the amount meanwhile', async () => {
        server.emulator.planRefund({ type: 'hold' });
        expect((await refundOf('240101_2553_h', 40000)).json.return_code).toBe(3);
        await server.emulator.idle();
        expect(await queryOf('240101_2553_h')).toMatchObject({ return_code: 3, sub_return_code: 2 });
        expect((await refundOf('240101_2553_i', 10001)).json.sub_return_code).toBe(-14);
        server.emulator.finishRefund('240101_2553_h', 'done');
        expect(await queryOf('240101_2553_h')).toMatchObject({ return_code: 1 });
        expect(() => server.emulator.finishRefund('240101_2553_h', 'failed')).toThrow(/it is done/);
      });

      it('an immediate refund answers 1 at once', async () => {
        server.emulator.planRefund({ type: 'immediate' });
        expect((await refundOf('240101_2553_n', 1000)).json).toMatchObject({
          return_code: 1,
          sub_return_code: 1,
        });
        expect(await queryOf('240101_2553_n')).toMatchObject({ return_code: 1 });
        expect(server.emulator.refunds('240101_123456')).toEqual([
          expect.objectContaining({ mRefundId: '240101_2553_n', amount: 1000, status: 'done' }),
        ]);
      });
    });

    it('answers query_refund -101 for an unknown m_refund_id and -402 for a bad MAC', async () => {
      const unknown = await postForm(api('query_refund'), queryRefundFields('240101_2553_none', VECTOR_TIME));
      expect(unknown.json).toMatchObject({ return_code: 2, sub_return_code: -101 });
      const badMac = { ...queryRefundFields('240101_2553_none', VECTOR_TIME), timestamp: VECTOR_TIME + 1 };
      expect((await postForm(api('query_refund'), badMac)).json.sub_return_code).toBe(-402);
    });
  });

  it('answers a GET on an API path with -405', async () => {
    const response = await fetch(api('query'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ return_code: 2, sub_return_code: -405 });
  });
});
