import { jest } from '@jest/globals';
import { useLocalApp } from '../support/app';
import { manualClock } from '../support/clock';
import { accessibilityProblems, payWithZaloPay, screenshot, useBrowser } from './support/browser';

jest.setTimeout(30_000);

// The design's real timings (15-minute orders, first check at 20 minutes), with time moved by
// hand: the server's clock here, the page's clock through Playwright.
const clock = manualClock();
const app = useLocalApp(
  { STATUS_CHECK_DELAY_SECONDS: '1200', EXPIRY_GRACE_SECONDS: '300', LONG_POLL_INTERVAL_MS: '50' },
  { clock },
);
const browser = useBrowser();

describe('an order nobody pays', () => {
  it('the countdown runs out → still checking; the status check expires it → expired screen', async () => {
    const page = await browser.newPage();
    await page.clock.install();
    const appTransId = await payWithZaloPay(page, app().url);
    expect(await page.locator('#countdown').textContent()).toMatch(/^1[45]:[0-5]\d$/);

    await page.clock.fastForward('14:00');
    expect(await page.locator('#countdown').textContent()).toMatch(/^[01]:[0-5]\d$/);
    await page.clock.fastForward('01:01');
    await page.getByRole('heading', { name: 'Đang xác nhận thanh toán…' }).waitFor();
    expect(await page.locator('#outcome-order').textContent()).toBe(appTransId);
    expect(await page.getByRole('link', { name: 'Thử lại' }).isVisible()).toBe(false);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-checking');

    // Twenty minutes after the order, ZaloPay says it expired.
    clock.advance(1200);
    await app().checkStatus({ appTransId, attempt: 1 });
    await page.getByRole('heading', { name: 'Đơn hàng đã hết hạn' }).waitFor();
    expect(await page.getByRole('link', { name: 'Thử lại' }).isVisible()).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'checkout-expired');
    expect((await app().store.get(appTransId))?.status).toBe('EXPIRED');
  });
});
