import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { useLocalApp } from '../support/app';
import { signedCallback } from '../support/zalopay';
import {
  accessibilityProblems,
  decodeQr,
  focusIsVisible,
  PHONE,
  payWithZaloPay,
  screenshot,
  tabTo,
  useBrowser,
} from './support/browser';

jest.setTimeout(30_000);

// A status check one second after each order, as the brief's demo would run it.
const app = useLocalApp({
  STATUS_CHECK_DELAY_SECONDS: '1',
  STATUS_RECHECK_SECONDS: '1',
  LONG_POLL_INTERVAL_MS: '50',
});
const browser = useBrowser();

/** The demo cart as the page starts: 2 × 29,000 + 45,000 + 25,000. */
const CART_TOTAL = 128_000;
const QR_HEADING = 'Thanh toán bằng ZaloPay qua mã QR';

interface OrderView {
  appTransId: string;
  status: string;
  amount: number;
  orderUrl: string;
  settledBy?: string;
}
const orderView = async (appTransId: string, base = app().url): Promise<OrderView> =>
  (await fetch(`${base}/orders/${appTransId}`)).json() as Promise<OrderView>;

/** What settled the order: the `trigger` of its last transition (merchant `GET …/history`). */
const settledByTrigger = async (appTransId: string, base = app().url): Promise<string | undefined> => {
  const response = await fetch(`${base}/orders/${appTransId}/history`, {
    headers: { 'x-api-key': 'dev-merchant-key' },
  });
  const { transitions } = (await response.json()) as { transitions: { to: string; trigger: string }[] };
  return transitions.at(-1)?.trigger;
};

const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true });

const qrImageLoaded = (page: Page) =>
  page.waitForFunction(() => {
    const image = document.querySelector<HTMLImageElement>('#qr-image');
    return Boolean(image?.complete && image.naturalWidth > 0);
  });

/** Marks the window, so a test can tell the page was never reloaded. */
const markWindow = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { marker: string }).marker = 'no reload';
  });
const windowMark = (page: Page) => page.evaluate(() => (window as unknown as { marker?: string }).marker);

describe('the checkout in Chromium', () => {
  // The first test warms Chromium up and does the most (QR decoded from pixels, three pages, audits,
  // screenshots): a limit for a slow machine, not a performance goal.
  it('desktop: ZaloPay → a QR that encodes the order_url → paid on /result and in the checkout, without a reload', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.getByRole('radio', { name: /ZaloPay/ }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: /Visa/ }).isDisabled()).toBe(true);
    expect(await page.locator('#total').textContent()).toMatch(/^128\.000\s₫$/);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-cart');

    await markWindow(page);
    await page.getByRole('button', { name: /^Thanh toán 128\.000\s₫$/ }).click();
    await heading(page, QR_HEADING).waitFor();
    await qrImageLoaded(page);
    const appTransId = (await page.locator('#qr-order').textContent()) ?? '';
    const order = await orderView(appTransId);
    expect(order).toMatchObject({ status: 'PENDING', amount: CART_TOTAL });
    const stored = await app().store.get(appTransId);
    expect(stored?.items.map((i) => [i.name, i.quantity])).toEqual([
      ['Cà phê sữa đá', 2],
      ['Trà đào cam sả', 1],
      ['Bánh mì thịt', 1],
    ]);

    // The QR as rendered, ZaloPay logo over its centre included, scans to the order_url.
    expect(await decodeQr(page.locator('.qr-frame'))).toBe(order.orderUrl);
    const card = page.locator('.qr-card');
    expect(await card.textContent()).toContain('ZaloPay QR demo');
    expect(await page.locator('#qr-amount').textContent()).toMatch(/^128\.000\s₫$/);
    expect(await page.locator('#countdown').textContent()).toMatch(/^1[45]:[0-5]\d$/);
    expect(await page.locator('.steps li').allTextContents()).toEqual([
      'Mở ứng dụng ZaloPay',
      'Chọn “Thanh toán” và quét mã QR',
      'Xác nhận thanh toán trong ứng dụng',
    ]);
    expect(await page.getByRole('link', { name: 'Mở ZaloPay' }).isVisible()).toBe(false);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-qr', 'checkout-qr');

    // The buyer's phone: the scanned URL is ZaloPay's payment page.
    const phone = await browser.newPage(PHONE);
    await phone.goto(order.orderUrl);
    expect(await phone.locator('main').textContent()).toMatch(/128\.000 ₫[\s\S]*Cà phê sữa đá/);
    await screenshot(phone, 'emulator-pay-page');
    await phone.getByRole('button', { name: /^Thanh toán/ }).click();
    await phone.waitForURL(/\/result\?/);
    await heading(phone, 'Thanh toán thành công').waitFor();
    expect(await phone.locator('#outcome-order').textContent()).toBe(appTransId);
    expect(await accessibilityProblems(phone)).toEqual([]);
    await screenshot(phone, 'result-paid-phone');

    await heading(page, 'Thanh toán thành công').waitFor();
    expect(await windowMark(page)).toBe('no reload');
    expect(await page.locator('#announce').textContent()).toBe('Thanh toán thành công');
    expect(await orderView(appTransId)).toMatchObject({ status: 'PAID', settledBy: 'callback' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-paid');

    const result = await browser.newPage();
    await result.goto(`${app().url}/result?appTransId=${appTransId}&status=PAID`);
    await heading(result, 'Thanh toán thành công').waitFor();
    expect(await result.locator('#outcome-amount').textContent()).toMatch(/^128\.000\s₫$/);
    await screenshot(result, 'result-paid', 'result-paid');
  }, 60_000);

  describe('with no status check due while the buyer pays', () => {
    // The redirect must be what settles the order. With a check every second, one can fall between
    // the payment and the redirect's query on a loaded machine and settle the order first.
    const quiet = useLocalApp({
      STATUS_CHECK_DELAY_SECONDS: '600',
      STATUS_RECHECK_SECONDS: '600',
      LONG_POLL_INTERVAL_MS: '50',
    });

    it('callback lost: the redirect back to the shop queries ZaloPay and both pages say paid', async () => {
      const page = await browser.newPage();
      const appTransId = await payWithZaloPay(page, quiet().url);
      await qrImageLoaded(page);
      const orderUrl = await decodeQr(page.locator('.qr-frame'));
      expect(orderUrl).toBe((await orderView(appTransId, quiet().url)).orderUrl);

      const phone = await browser.newPage(PHONE);
      await phone.goto(orderUrl ?? '');
      await phone.getByLabel('Mất callback').check();
      await phone.getByRole('button', { name: /^Thanh toán/ }).click();
      await phone.waitForURL(/\/result\?/);
      await heading(phone, 'Thanh toán thành công').waitFor();
      await heading(page, 'Thanh toán thành công').waitFor();

      expect(await orderView(appTransId, quiet().url)).toMatchObject({ status: 'PAID', settledBy: 'query' });
      expect(await settledByTrigger(appTransId, quiet().url)).toBe('redirect');
      expect(quiet().emulator.callbackLog.some((c) => c.appTransId === appTransId)).toBe(false);
    });
  });

  it('buyer closes the app after paying: no callback, no redirect; the status check settles it', async () => {
    const page = await browser.newPage();
    const appTransId = await payWithZaloPay(page, app().url);
    await markWindow(page);

    const phone = await browser.newPage(PHONE);
    await phone.goto((await orderView(appTransId)).orderUrl);
    await phone.getByLabel(/Người mua đóng ứng dụng/).check();
    await phone.getByRole('button', { name: /^Thanh toán/ }).click();
    await phone.getByRole('heading', { name: /^Đã thanh toán, ứng dụng đã đóng/ }).waitFor();
    expect(phone.url()).not.toMatch(/\/result\?/);

    await heading(page, 'Thanh toán thành công').waitFor();
    expect(await windowMark(page)).toBe('no reload');
    expect(await orderView(appTransId)).toMatchObject({ status: 'PAID', settledBy: 'query' });
    expect(await settledByTrigger(appTransId)).toBe('schedule');
    expect(app().emulator.callbackLog.some((c) => c.appTransId === appTransId)).toBe(false);
  });

  it('cancel on the payment page: the failed screen, then "Try again" goes back to the same cart', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    await page.locator('#qty-bac-xiu').fill('3');
    await page.locator('#qty-bac-xiu').press('Tab');
    expect(await page.locator('#total').textContent()).toMatch(/^233\.000\s₫$/);
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    await heading(page, QR_HEADING).waitFor();
    const appTransId = (await page.locator('#qr-order').textContent()) ?? '';

    const phone = await browser.newPage(PHONE);
    await phone.goto((await orderView(appTransId)).orderUrl);
    await phone.getByRole('button', { name: /^Hủy/ }).click();
    await phone.waitForURL(/\/result\?/);
    await heading(phone, 'Thanh toán không thành công').waitFor();
    await heading(page, 'Thanh toán không thành công').waitFor();
    expect(await orderView(appTransId)).toMatchObject({ status: 'FAILED' });
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-failed');

    await page.getByRole('link', { name: 'Thử lại' }).click();
    await heading(page, 'Giỏ hàng của bạn').waitFor();
    expect(await page.locator('#total').textContent()).toMatch(/^233\.000\s₫$/);
  });

  it('phone: "Open ZaloPay" (the order_url) instead of a QR, then paid on /result', async () => {
    const page = await browser.newPage(PHONE);
    const qrRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/qr') || request.url().includes('/qr?')) qrRequests.push(request.url());
    });
    const appTransId = await payWithZaloPay(page, app().url);
    expect(await heading(page, 'Thanh toán bằng ZaloPay').isVisible()).toBe(true);
    const openApp = page.getByRole('link', { name: 'Mở ZaloPay' });
    expect(await openApp.isVisible()).toBe(true);
    expect(await openApp.getAttribute('href')).toBe((await orderView(appTransId)).orderUrl);
    expect(await page.locator('#qr-image').isVisible()).toBe(false);
    expect(await page.locator('.steps').isVisible()).toBe(false);
    expect(qrRequests).toEqual([]);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-phone');

    await openApp.tap();
    await page.getByRole('button', { name: /^Thanh toán/ }).tap();
    await page.waitForURL(/\/result\?/);
    await heading(page, 'Thanh toán thành công').waitFor();
  });

  it('speaks English on request: texts, the lang attribute and amounts, kept on the result page', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    await heading(page, 'Your cart').waitFor();
    expect(await page.title()).toBe('ZaloPay QR demo – Checkout');
    const method = (await page.locator('.method').first().textContent()) ?? '';
    expect(method.replace(/\s+/g, ' ').trim()).toMatch(/^ZaloPay Wallet/);
    await page.getByRole('button', { name: 'Pay ₫128,000' }).click();
    await heading(page, 'Pay with ZaloPay by QR code').waitFor();
    expect(await page.locator('.steps li').first().textContent()).toBe('Open the ZaloPay app');
    expect(await page.getByRole('img', { name: 'ZaloPay payment QR code of the order' }).count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-qr-en');
    const appTransId = (await page.locator('#qr-order').textContent()) ?? '';

    await app().emulator.pay(appTransId);
    await heading(page, 'Payment successful').waitFor();

    expect(await page.locator('#outcome-paid').textContent()).toMatch(
      /^\d{2}:\d{2} · \d{1,2} [A-Z][a-z]{2} \d{4}$/,
    );
    expect(await page.getByRole('link', { name: 'Back to the menu' }).isVisible()).toBe(true);

    const result = await page.context().newPage();
    await result.goto(`${app().url}/result?appTransId=${appTransId}`);
    await heading(result, 'Payment successful').waitFor();
    expect(await result.locator('html').getAttribute('lang')).toBe('en');
    await result.getByRole('button', { name: 'Tiếng Việt' }).click();
    await heading(result, 'Thanh toán thành công').waitFor();
    expect(await result.locator('html').getAttribute('lang')).toBe('vi');
  });

  it('works with the keyboard alone, with a visible focus', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    await tabTo(page, '#qty-bac-xiu + button');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await page.locator('#qty-bac-xiu').inputValue()).toBe('2');
    expect(await page.locator('#total').textContent()).toMatch(/^198\.000\s₫$/);

    await tabTo(page, 'input[value="zalopay"]');
    expect(await page.locator('input[value="zalopay"]').isChecked()).toBe(true);
    await tabTo(page, '#pay');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await heading(page, QR_HEADING).waitFor();
    // Focus moves to the new screen's heading, so a screen reader reads where the buyer is.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('qr-title');

    await tabTo(page, '#back');
    await page.keyboard.press('Enter');
    await heading(page, 'Giỏ hàng của bạn').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('shop-title');
  });

  it('shows API errors clearly: Pay disabled for an empty cart, and an order ZaloPay refuses', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    for (const id of ['ca-phe-sua-da', 'tra-dao-cam-sa', 'banh-mi-thit']) {
      await page.locator(`#qty-${id}`).fill('0');
      await page.locator(`#qty-${id}`).press('Tab');
    }
    // Nothing to pay: Pay is disabled rather than answered with an error.
    expect(await page.locator('#total').textContent()).toMatch(/^0\s₫$/);
    expect(await page.locator('#pay').isDisabled()).toBe(true);

    await page.locator('#qty-bac-xiu').fill('1');
    await page.locator('#qty-bac-xiu').press('Tab');
    app().emulator.injectFault('create', { type: 'code', returnCode: 2, subReturnCode: -401 });
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('ZaloPay từ chối tạo đơn hàng.').waitFor();
    expect(await alert.textContent()).toContain('ZALOPAY_REJECTED · return_code 2, sub_return_code -401');
    expect(await alert.locator('#error-message').textContent()).toBe('ZaloPay refused the request');
    expect(await heading(page, 'Giỏ hàng của bạn').isVisible()).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-error');
  });

  it('updates the total while typing, and says why a quantity was changed', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    const quantity = page.locator('#qty-bac-xiu');
    await quantity.fill('2');
    expect(await page.locator('#total').textContent()).toMatch(/^198\.000\s₫$/);
    expect(await page.locator('#cart-note').isVisible()).toBe(false);

    await quantity.fill('9999');
    expect(await quantity.inputValue()).toBe('20');
    expect(await page.getByRole('status').filter({ hasText: 'tối đa 20' }).textContent()).toContain(
      'số lượng đã được đặt về 20',
    );
    await quantity.fill('-3');
    expect(await quantity.inputValue()).toBe('0');
    expect(await page.locator('#cart-note').textContent()).toContain('không thể âm');
    expect(await page.locator('#total').textContent()).toMatch(/^128\.000\s₫$/);

    // An emptied field stays empty while typing and counts as 0; leaving it writes the 0.
    await page.locator('#qty-tra-dao-cam-sa').fill('');
    expect(await page.locator('#total').textContent()).toMatch(/^83\.000\s₫$/);
    await page.locator('#qty-tra-dao-cam-sa').press('Tab');
    expect(await page.locator('#qty-tra-dao-cam-sa').inputValue()).toBe('0');
    expect(await page.locator('#cart-note').isVisible()).toBe(false);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('never two payable orders for one cart: the same order after "another method", after a reload, and a plain word when the cart changed', async () => {
    const page = await browser.newPage();
    const first = await payWithZaloPay(page, app().url);
    expect(new URL(page.url()).searchParams.get('order')).toBe(first);

    // Back to the cart and Pay again, cart unchanged: the same order, not a second one.
    await page.getByRole('button', { name: 'Chọn hình thức thanh toán khác' }).click();
    await heading(page, 'Giỏ hàng của bạn').waitFor();
    expect(new URL(page.url()).searchParams.get('order')).toBeNull();
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    await heading(page, QR_HEADING).waitFor();
    expect(await page.locator('#qr-order').textContent()).toBe(first);
    expect(await page.locator('#qr-previous').isVisible()).toBe(false);

    // A reload on the QR screen shows the same order again, read back from the API.
    await page.reload();
    await heading(page, QR_HEADING).waitFor();
    expect(await page.locator('#qr-order').textContent()).toBe(first);
    expect(await page.locator('#qr-amount').textContent()).toMatch(/^128\.000\s₫$/);

    // A changed cart makes a new order, and the buyer is told not to pay the previous one.
    await page.getByRole('button', { name: 'Chọn hình thức thanh toán khác' }).click();
    await page.locator('#qty-bac-xiu').fill('1');
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    await heading(page, QR_HEADING).waitFor();
    const second = (await page.locator('#qr-order').textContent()) ?? '';
    expect(second).not.toBe(first);
    expect(await page.locator('#qr-previous').textContent()).toContain(first);
    expect(await page.locator('#qr-previous').textContent()).toContain('đừng thanh toán đơn đó');
    expect(await orderView(second)).toMatchObject({ amount: CART_TOTAL + 35_000, status: 'PENDING' });
    expect(await accessibilityProblems(page)).toEqual([]);

    // Paid: the cart starts over and the next Pay is a new order.
    await app().emulator.pay(second);
    await heading(page, 'Thanh toán thành công').waitFor();
    await page.getByRole('link', { name: 'Quay lại thực đơn' }).click();
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    await heading(page, QR_HEADING).waitFor();
    const third = (await page.locator('#qr-order').textContent()) ?? '';
    expect([first, second]).not.toContain(third);
    expect(await page.locator('#qr-previous').isVisible()).toBe(false);
  });

  it('ZaloPay unreachable: the checkout follows the unknown order until the status check settles it', async () => {
    const page = await browser.newPage();
    await page.goto(app().url);
    app().emulator.injectFault('create', { type: 'drop' });
    // The first status check cannot reach ZaloPay either, so "confirming" lasts a couple of seconds.
    app().emulator.injectFault('query', { type: 'drop' });
    await page.getByRole('button', { name: /^Thanh toán/ }).click();
    await heading(page, 'Đang xác nhận thanh toán…').waitFor();
    const appTransId = (await page.locator('#outcome-order').textContent()) ?? '';
    expect(appTransId).toMatch(/^\d{6}_/);

    // The create never reached ZaloPay, so the first status check finds no order there.
    await heading(page, 'Thanh toán không thành công').waitFor();
    expect(await orderView(appTransId)).toMatchObject({ status: 'FAILED' });
  });

  it('a callback with another amount: the review screen', async () => {
    const page = await browser.newPage();
    const appTransId = await payWithZaloPay(page, app().url);
    const response = await fetch(`${app().url}/zalopay/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signedCallback({ appTransId, amount: 1_000 })),
    });
    expect(await response.json()).toMatchObject({ return_code: 1 });
    await heading(page, 'Thanh toán đang được xem xét').waitFor();
    expect(await page.locator('#outcome-order').textContent()).toBe(appTransId);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-review');
  });

  it('pay → the checkout shows paid through the push, with no long-poll request', async () => {
    const page = await browser.newPage();
    const longPolls: string[] = [];
    page.on('request', (request) => {
      if (/\/orders\/[^/]+\?wait=/.test(request.url())) longPolls.push(request.url());
    });
    const pushed: string[] = [];
    let markSubscribed: () => void = () => undefined;
    const subscribed = new Promise<void>((resolve) => {
      markSubscribed = resolve;
    });
    page.on('websocket', (socket) => {
      if (!socket.url().endsWith('/event/realtime')) return;
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; event?: string };
        if (message.type === 'subscribe_success') markSubscribed();
        if (message.type === 'data') pushed.push(JSON.parse(message.event ?? '{}').status);
      });
    });
    const appTransId = await payWithZaloPay(page, app().url);
    await subscribed;

    await app().emulator.pay(appTransId);
    await heading(page, 'Thanh toán thành công').waitFor();
    expect(pushed).toContain('PAID');
    expect(longPolls).toEqual([]);
  });

  it('with WebSockets blocked, the page still reaches the result through the long-poll', async () => {
    const page = await browser.newPage();
    await page.routeWebSocket(/\/event\/realtime$/, (socket) => socket.close());
    const longPolls: string[] = [];
    page.on('request', (request) => {
      if (/\/orders\/[^/]+\?wait=/.test(request.url())) longPolls.push(request.url());
    });
    const appTransId = await payWithZaloPay(page, app().url);
    await app().emulator.pay(appTransId);
    await heading(page, 'Thanh toán thành công').waitFor();
    expect(longPolls.length).toBeGreaterThan(0);
  });

  it('keeps following politely through network errors', async () => {
    const page = await browser.newPage();
    // The long-poll's politeness: no push socket here.
    await page.routeWebSocket(/\/event\/realtime$/, (socket) => socket.close());
    let refused = 0;
    await page.route(/\/orders\/[^/]+\?wait=/, (route) => {
      if (refused < 2) {
        refused++;
        return route.abort('connectionrefused');
      }
      return route.continue();
    });
    const appTransId = await payWithZaloPay(page, app().url);
    await page.getByText('Không kết nối được máy chủ, đang thử lại…').first().waitFor();
    expect(await heading(page, QR_HEADING).isVisible()).toBe(true);

    await app().emulator.pay(appTransId);
    await heading(page, 'Thanh toán thành công').waitFor();
    expect(refused).toBe(2);
    expect(await page.locator('[data-trouble]:not([hidden])').count()).toBe(0);
  });

  it('backs off when the API throttles: no sooner than Retry-After, then paid', async () => {
    const page = await browser.newPage();
    // The long-poll's back-off: no push socket here.
    await page.routeWebSocket(/\/event\/realtime$/, (socket) => socket.close());
    const polls: number[] = [];
    await page.route(/\/orders\/[^/]+\?wait=/, (route) => {
      polls.push(Date.now());
      if (polls.length === 1) {
        return route.fulfill({
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '2' },
          body: JSON.stringify({ message: 'Too Many Requests' }),
        });
      }
      return route.continue();
    });
    const appTransId = await payWithZaloPay(page, app().url);
    await page.getByText('Không kết nối được máy chủ, đang thử lại…').first().waitFor();

    await app().emulator.pay(appTransId);
    await heading(page, 'Thanh toán thành công').waitFor();
    // A lower bound only: the page waited at least what the API asked.
    expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(2_000);
  });
});

describe('the result page and the redirect landing', () => {
  it('shows only what our API says: a pending order is never shown as paid, whatever the link says', async () => {
    const created = await fetch(`${app().url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 50_000 }),
    });
    const { appTransId } = (await created.json()) as { appTransId: string };
    const page = await browser.newPage();
    await page.goto(`${app().url}/result?appTransId=${appTransId}&status=PAID`);
    await heading(page, 'Đang xác nhận thanh toán…').waitFor();
    expect(await page.locator('main').textContent()).not.toContain('thành công');
    expect(await accessibilityProblems(page)).toEqual([]);

    await app().emulator.pay(appTransId);
    await heading(page, 'Thanh toán thành công').waitFor();
  });

  it('says when there is no such order', async () => {
    const page = await browser.newPage();
    await page.goto(`${app().url}/result?appTransId=261128_NoSuchOrder0000000000000&status=PAID`);
    await heading(page, 'Không tìm thấy đơn hàng').waitFor();
    // Nothing to list: no empty details box.
    expect(await page.locator('.facts').isVisible()).toBe(false);
    await page.goto(`${app().url}/result`);
    await heading(page, 'Không tìm thấy đơn hàng').waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('a redirect with a bad checksum gets the 400 error page, never a success screen', async () => {
    const page = await browser.newPage();
    const appTransId = await payWithZaloPay(page, app().url);
    await app().emulator.pay(appTransId);
    const query = new URLSearchParams({
      appid: '2553',
      apptransid: appTransId,
      pmcid: '38',
      bankcode: '',
      amount: String(CART_TOTAL),
      discountamount: '0',
      status: '1',
      checksum: '0'.repeat(64),
    });
    const landing = await browser.newPage();
    const response = await landing.goto(`${app().url}/zalopay/redirect?${query}`);
    expect(response?.status()).toBe(400);
    await heading(landing, 'Liên kết không hợp lệ / Invalid link').waitFor();
    expect(landing.url()).not.toContain('/result');
    expect(await landing.locator('body').textContent()).not.toMatch(/thành công|successful/i);
  });
});
