import type { EmulatorServer } from '../../../local/emulator';
import {
  APP,
  createFields,
  hmac,
  KEY2,
  manualClock,
  postForm,
  queryFields,
  returnCode,
  startEmulator,
  startReceiver,
  VECTOR_TIME,
} from './helpers';

describe('ZaloPay emulator payment page', () => {
  let server: EmulatorServer;
  let time: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    time = manualClock();
    server = await startEmulator({ clock: time.clock });
  });
  afterEach(() => server.close());

  /** Creates an order through the API and returns its order_url. */
  const create = async (appTransId: string, extra: Record<string, string | number> = {}): Promise<string> => {
    const { json } = await postForm(`${server.url}/v2/create`, createFields(appTransId, VECTOR_TIME, extra));
    expect(json.return_code).toBe(1);
    return String(json.order_url);
  };

  const tokenOf = (orderUrl: string): string =>
    JSON.parse(Buffer.from(new URL(orderUrl).searchParams.get('order')!, 'base64').toString('utf8'))
      .zptranstoken;

  const submit = (orderUrl: string, action: string, callback = 'deliver') =>
    fetch(`${server.url}/openinapp/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokenOf(orderUrl), action, callback }).toString(),
      redirect: 'manual',
    });

  it('shows the order on a phone-shaped page with Pay, Cancel and the callback choice', async () => {
    const orderUrl = await create('240101_page', {
      description: 'Cà phê sữa đá',
      app_user: 'Cửa hàng Hoa Sen',
      item: JSON.stringify([{ itemid: 'cf', itemname: 'Cà phê sữa đá', itemprice: 25000, itemquantity: 2 }]),
    });
    const response = await fetch(orderUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="vi">/);
    // The merchant is the headline; the description, however long, comes smaller below the amount.
    expect(html).toContain('<h1>Cửa hàng Hoa Sen</h1>');
    expect(html).toContain('<p class="description">Cà phê sữa đá</p>');
    expect(html).not.toContain('App user');
    expect(html).toContain('240101_page');
    expect(html).toContain('50.000 ₫');
    expect(html).toContain(
      'Cà phê sữa đá <span class="qty">× 2</span></span><span class="price">50.000 ₫</span>',
    );
    expect(html).toContain('15:00');
    expect(html).toMatch(/<button[^>]*value="pay">Thanh toán <span class="en" lang="en">Pay<\/span>/);
    expect(html).toMatch(/<button[^>]*value="cancel">Hủy <span class="en" lang="en">Cancel<\/span>/);
    expect(html).toMatch(/<label><input type="radio" name="callback" value="deliver" checked>/);
    expect(html).toMatch(/<label><input type="radio" name="callback" value="lost">/);
    expect(html).toMatch(/<label><input type="radio" name="callback" value="closed">/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('shows the app’s registered name as the merchant when there is one', async () => {
    await server.close();
    server = await startEmulator({ clock: time.clock, apps: [{ ...APP, name: 'Quán Cà Phê Hoa Sen' }] });
    const orderUrl = await create('240101_named', { app_user: 'user123' });
    const html = await (await fetch(orderUrl)).text();
    expect(html).toContain('<h1>Quán Cà Phê Hoa Sen</h1>');
    expect(html).toContain('<title>ZaloPay – Quán Cà Phê Hoa Sen</title>');
  });

  it('escapes every value it shows', async () => {
    const orderUrl = await create('240101_xss', {
      description: '<script>alert("d")</script> & co',
      app_user: '"><img src=x onerror=alert(1)>',
    });
    const html = await (await fetch(orderUrl)).text();
    expect(html).toContain('&lt;script&gt;alert(&quot;d&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
  });

  it('pays, sends the callback and redirects with the §11 TV11 checksum', async () => {
    const receiver = await startReceiver([returnCode(1)]);
    try {
      const orderUrl = await create('240101_123456', {
        embed_data: '{"redirecturl":"https://example.com/result"}',
        callback_url: receiver.url,
      });
      const response = await submit(orderUrl, 'pay');
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(
        'https://example.com/result?appid=2553&apptransid=240101_123456&pmcid=38&bankcode=&amount=50000' +
          '&discountamount=0&status=1&checksum=2b2417ddabfc0faacf5eadcaf8ef10996ca2f365441ecd1d2e3e9ac2beb48d0e',
      );
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('never pays twice: a second Pay answers 409 and keeps the first payment', async () => {
    const orderUrl = await create('240101_twice');
    expect((await submit(orderUrl, 'pay')).status).toBe(200);
    const first = server.emulator.order('240101_twice')?.zpTransId;
    const again = await submit(orderUrl, 'pay');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Order already paid');
    expect(server.emulator.order('240101_twice')?.zpTransId).toBe(first);
    expect((await fetch(orderUrl)).status).toBe(409);
  });

  it('cancels with status -329 and a valid checksum, keeping the redirect URL query', async () => {
    const orderUrl = await create('240101_cancel', {
      embed_data: '{"redirecturl":"https://shop.example/r?x=1#top"}',
    });
    const response = await submit(orderUrl, 'cancel');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}${location.hash}`).toBe('https://shop.example/r#top');
    const q = location.searchParams;
    expect(q.get('x')).toBe('1');
    expect(q.get('status')).toBe('-329');
    expect(q.get('checksum')).toBe(hmac(KEY2, 2553, '240101_cancel', 38, '', 50000, 0, -329));
    const query = await postForm(`${server.url}/v2/query`, queryFields('240101_cancel'));
    expect(query.json.sub_return_code).toBe(-329);
  });

  it('sends no callback when the tester picks "callback lost"', async () => {
    const receiver = await startReceiver([returnCode(1)]);
    try {
      const orderUrl = await create('240101_lost', { callback_url: receiver.url });
      expect((await submit(orderUrl, 'pay', 'lost')).status).toBe(200);
      await server.emulator.idle();
      expect(receiver.received).toHaveLength(0);
      expect(server.emulator.order('240101_lost')?.status).toBe('paid');
    } finally {
      await receiver.close();
    }
  });

  it('still redirects the browser when the callback is lost, so the shop can query', async () => {
    const orderUrl = await create('240101_lostredir', {
      embed_data: '{"redirecturl":"https://shop.example/r"}',
    });
    const response = await submit(orderUrl, 'pay', 'lost');
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('status')).toBe('1');
  });

  it('sends no callback and no redirect when the buyer closes the app after paying', async () => {
    const receiver = await startReceiver([returnCode(1)]);
    try {
      const orderUrl = await create('240101_closed', {
        callback_url: receiver.url,
        embed_data: '{"redirecturl":"https://shop.example/r"}',
      });
      const response = await submit(orderUrl, 'pay', 'closed');
      expect(response.status).toBe(200);
      expect(response.headers.get('location')).toBeNull();
      const html = await response.text();
      expect(html).toContain('Paid, app closed');
      expect(html).not.toContain('shop.example');
      await server.emulator.idle();
      expect(receiver.received).toHaveLength(0);
      const query = await postForm(`${server.url}/v2/query`, queryFields('240101_closed'));
      expect(query.json.return_code).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('shows the redirect parameters when the order has no redirecturl', async () => {
    const orderUrl = await create('240101_noredirect');
    const response = await submit(orderUrl, 'pay');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Payment successful');
    expect(html).toContain(hmac(KEY2, 2553, '240101_noredirect', 38, '', 50000, 0, 1));
  });

  it('explains an expired order (410) and an unknown one (404) instead of paying', async () => {
    const orderUrl = await create('240101_expired', { expire_duration_seconds: 300 });
    time.advance(300_000);
    const page = await fetch(orderUrl);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('Order expired');
    expect((await submit(orderUrl, 'pay')).status).toBe(410);
    expect(server.emulator.order('240101_expired')?.status).toBe('expired');

    expect((await fetch(`${server.url}/openinapp?order=bm90LWpzb24`)).status).toBe(404);
    const forged = Buffer.from(JSON.stringify({ zptranstoken: 'ACnope', appid: 2553 })).toString('base64');
    expect((await fetch(`${server.url}/openinapp?order=${forged}`)).status).toBe(404);
    expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
  });

  it('answers 400 to a form without a known action', async () => {
    const orderUrl = await create('240101_noaction');
    expect((await submit(orderUrl, 'refund')).status).toBe(400);
    expect(server.emulator.order('240101_noaction')?.status).toBe('unpaid');
  });
});
