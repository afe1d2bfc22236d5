/*
 * QR rendering: the qr handler (functions/qr.ts, in-memory store) beside the raw `qrcode` call
 * with the same options, for SVG and PNG; then the checkout's first paint to QR in Chromium.
 */
import { existsSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import QRCode from 'qrcode';
import { makeHandler } from '../functions/qr';
import { startLocalApp } from '../local/app';
import { QR_LIMITS } from '../shared/adapters/qr';
import { silentLog } from '../shared/core/observability';
import type { Order } from '../shared/core/orders/model';
import { percentile, timeOnce } from './stats';

const ms = (value: number) => `${value.toFixed(3)} ms`;

// An order_url as ZaloPay's sandbox returns it: the gateway host plus base64 of token and app id.
const token = 'AC3ZcUVn5rDq2Fq8Ax6bYw9kLmNpQrStUvWx';
const orderUrl = `https://qcgateway.zalopay.vn/openinapp?order=${encodeURIComponent(
  Buffer.from(JSON.stringify({ zptranstoken: token, appid: 2553 })).toString('base64'),
)}`;
const now = Date.now();
const order: Order = {
  appTransId: '261128_BenchOrder000000000000',
  status: 'PENDING',
  version: 2,
  amount: 128_000,
  description: 'Thanh toán đơn hàng 261128_BenchOrder000000000000',
  appUser: 'ZaloPay QR demo',
  items: [],
  bankCode: 'zalopayapp',
  expireDurationSeconds: 900,
  createdAt: new Date(now).toISOString(),
  updatedAt: new Date(now).toISOString(),
  expiresAt: new Date(now + 3_600_000).toISOString(),
  orderUrl,
  zpTransToken: token,
  refundedAmount: 0,
};

const handler = makeHandler({ store: { get: async () => order }, clock: () => new Date(), log: silentLog });
const event = (format: 'svg' | 'png') =>
  ({
    rawPath: `/orders/${order.appTransId}/qr`,
    pathParameters: { appTransId: order.appTransId },
    queryStringParameters: { format },
    headers: {},
  }) as unknown as APIGatewayProxyEventV2;
const viaHandler = async (format: 'svg' | 'png') =>
  (await handler(event(format), {} as Context)) as APIGatewayProxyStructuredResultV2 & { body: string };

const options = {
  errorCorrectionLevel: 'H',
  margin: QR_LIMITS.margin.default,
  width: QR_LIMITS.size.default,
} as const;
const raw = {
  svg: () => QRCode.toString(orderUrl, { ...options, type: 'svg' }),
  png: () => QRCode.toBuffer(orderUrl, { ...options, type: 'png' }),
};

const benchFormat = async (format: 'svg' | 'png', iterations: number) => {
  const handlerTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < iterations / 10; i++) {
    await viaHandler(format);
    await raw[format]();
  }
  // Alternating the two keeps drift (GC, CPU frequency) out of the ratio.
  for (let i = 0; i < iterations; i++) {
    handlerTimes.push(await timeOnce(() => viaHandler(format)));
    rawTimes.push(await timeOnce(raw[format]));
  }
  const response = await viaHandler(format);
  const bytes = response.isBase64Encoded
    ? Buffer.from(response.body, 'base64').length
    : Buffer.byteLength(response.body);
  const handlerP50 = percentile(handlerTimes, 0.5);
  const rawP50 = percentile(rawTimes, 0.5);
  return {
    format: format.toUpperCase(),
    'handler p50': ms(handlerP50),
    'handler p95': ms(percentile(handlerTimes, 0.95)),
    'raw qrcode p50': ms(rawP50),
    ratio: (handlerP50 / rawP50).toFixed(2),
    bytes,
  };
};

console.log(
  `QR of a ${orderUrl.length}-character order_url, ${options.width} px, margin ${options.margin}, error correction H`,
);
console.table([await benchFormat('svg', 2000), await benchFormat('png', 1000)]);

/** Marks the checkout sets, read back after each run. */
interface Timings {
  fcp: number;
  pay: number;
  qr: number;
  /** Request start to response end, from Resource Timing. */
  createRequest: number;
  qrRequest: number;
}

/**
 * The buyer presses Pay the moment the page paints. A string, not a function: tsx's helpers would
 * not exist in the page. Init scripts are not subject to the page's CSP.
 */
const PAY_AT_FIRST_PAINT = `
new PerformanceObserver((list) => {
  if (!list.getEntriesByName('first-contentful-paint').length) return;
  const pay = () => document.getElementById('pay-form').requestSubmit();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', pay);
  else pay();
}).observe({ type: 'paint', buffered: true });`;

/** The marks and request durations of one run, read in the page (a string for the same reason). */
const READ_TIMINGS = `(() => {
  const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
  const request = (pattern) => {
    const entry = performance.getEntriesByType('resource').find((e) => pattern.test(e.name));
    return entry ? entry.responseEnd - entry.startTime : NaN;
  };
  return {
    fcp: at('first-contentful-paint'),
    pay: at('checkout:pay'),
    qr: at('checkout:qr-loaded'),
    createRequest: request(/\\/orders$/),
    qrRequest: request(/\\/qr\\?/),
  };
})()`;

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`\nFirst paint to QR: skipped, no Chromium at ${chromiumPath} (apt-get install chromium)`);
} else {
  const { chromium } = await import('playwright-core');
  const app = await startLocalApp({ env: { PORT: '0', LOG_LEVEL: 'SILENT' } });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
  // A running server is warm (JIT, DynamoDB client): a few orders first, as earlier buyers would.
  for (let i = 0; i < 30; i++) {
    const created = await fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 128_000 }),
    });
    const { qrUrl } = (await created.json()) as { qrUrl: string };
    await (await fetch(`${qrUrl}?format=svg&size=512`)).arrayBuffer();
  }
  const runs: Timings[] = [];
  try {
    for (let i = 0; i < 25; i++) {
      // A fresh context each time: nothing cached, as for a first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(PAY_AT_FIRST_PAINT);
      await page.goto(app.url);
      await page.waitForFunction(() => performance.getEntriesByName('checkout:qr-loaded').length > 0);
      const timings = (await page.evaluate(READ_TIMINGS)) as Timings;
      if (i > 0) runs.push(timings);
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
  }
  const p50 = (pick: (t: Timings) => number) => ms(percentile(runs.map(pick), 0.5));
  console.log(`\nCheckout in Chromium, Pay pressed at first paint (p50 of ${runs.length} cold loads):`);
  console.table({
    'navigation → first contentful paint': p50((t) => t.fcp),
    'Pay → QR image loaded': p50((t) => t.qr - t.pay),
    '  of which POST /orders': p50((t) => t.createRequest),
    '  of which GET …/qr (SVG)': p50((t) => t.qrRequest),
    'first paint → QR image loaded': p50((t) => t.qr - t.fcp),
    'navigation → QR image loaded': p50((t) => t.qr),
  });
}
