import { copyFile, mkdir } from 'node:fs/promises';
import axe from 'axe-core';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { decodeQrPng } from '../../support/qr';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARTIFACTS = new URL('../../../test-results/e2e/', import.meta.url);
const DOCS = new URL('../../../docs/', import.meta.url);

/** A laptop, and a phone as ZaloPay's buyers mostly have. */
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** Fails fast: a missing text is reported after 10 s, not the default 30 s. */
const ACTION_TIMEOUT_MS = 10_000;

/**
 * One headless Chromium for the calling test file, and a fresh context (no storage, no cache) per
 * test; every page's script errors make the test fail.
 */
export const useBrowser = () => {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    const errors = pageErrors.splice(0);
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    /** A new page in a new context (DESKTOP unless told otherwise). */
    async newPage(options: BrowserContextOptions = DESKTOP): Promise<Page> {
      if (!browser) throw new Error('the browser is not running: use it inside a test');
      const context = await browser.newContext(options);
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      contexts.push(context);
      context.on('page', (page) => watch(page, pageErrors));
      const page = await context.newPage();
      return page;
    },
  };
};

const watch = (page: Page, errors: string[]) => {
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // HTTP errors the tests provoke (400 page, retried long-polls) are asserted where they happen.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`${page.url()}: console: ${message.text()}`);
    }
  });
};

/** Opens the checkout at `url`, keeps the default cart and ZaloPay, presses Pay; returns the order id. */
export const payWithZaloPay = async (page: Page, url: string): Promise<string> => {
  await page.goto(url);
  await page.getByRole('button', { name: /^Thanh toán/ }).click();
  // Phones are not offered a QR, and their heading says so.
  await page.getByRole('heading', { name: /^Thanh toán bằng ZaloPay/ }).waitFor();
  return (await page.locator('#qr-order').textContent()) ?? '';
};

/** What the QR image on screen encodes, read back from its pixels as a phone camera would. */
export const decodeQr = async (image: Locator): Promise<string | undefined> =>
  decodeQrPng(await image.screenshot()).text;

/**
 * Saves a screenshot under test-results/e2e/. With UPDATE_SCREENSHOTS=1, a `docs` name also
 * refreshes that picture of the README under docs/.
 */
export const screenshot = async (page: Page, name: string, docs?: string): Promise<void> => {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = new URL(`${name}.png`, ARTIFACTS);
  await page.screenshot({ path: file.pathname });
  if (docs && process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(DOCS, { recursive: true });
    await copyFile(file, new URL(`${docs}.png`, DOCS));
  }
};

/**
 * The WCAG 2.1 A/AA problems axe-core finds on the page as it is now (contrast, names, labels,
 * ARIA), one line each.
 */
export const accessibilityProblems = async (page: Page): Promise<string[]> => {
  // Evaluated through the DevTools protocol, so the page's CSP does not stop it; once per document.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const { axe: inPage } = window as unknown as { axe: typeof axe };
    const results = await inPage.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return results.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.map((v) => `${v.id}: ${v.targets.join(', ')}`);
};

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
export const tabTo = async (page: Page, selector: string, limit = 40): Promise<void> => {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
};

/** Whether the focused element shows a focus indicator (an outline at least 2 px wide). */
export const focusIsVisible = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active) return false;
    const style = getComputedStyle(active);
    return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
  });
