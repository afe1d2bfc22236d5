import { type LocalApp, type LocalAppOptions, startLocalApp } from '../../local/app';
import type { CreatedOrderView } from '../../shared/core/orders/view';

/** Every schedule in milliseconds instead of minutes, nothing printed. */
export const FAST_ENV = {
  PORT: '0',
  LOG_LEVEL: 'SILENT',
  STATUS_CHECK_DELAY_SECONDS: '0.2',
  STATUS_RECHECK_SECONDS: '0.05',
  LONG_POLL_INTERVAL_MS: '10',
  ZALOPAY_TIMEOUT_MS: '2000',
} as const;

/**
 * The whole local runtime (same handlers, dynalite, emulator) for the calling test file, started in
 * `beforeAll` and closed in `afterAll`. Returns an accessor.
 */
export const useLocalApp = (
  env: Record<string, string> = {},
  options: Omit<LocalAppOptions, 'env'> = {},
): (() => LocalApp) => {
  let app: LocalApp | undefined;
  beforeAll(async () => {
    app = await startLocalApp({
      env: { ...FAST_ENV, ...env },
      emulator: { callbackRetryDelayMs: 5, refundDelayMs: 0 },
      ...options,
    });
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('the local app is not running: use it inside a test or a hook');
    return app;
  };
};

// biome-ignore lint/suspicious/noExplicitAny: tests read API bodies field by field and assert each one.
interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * The body of a `201` from `POST /orders`, as tests read it: the local runtime always has a VietQR
 * payload and a planned check.
 */
export type CreatedOrder = CreatedOrderView & { orderUrl: string; qrCode: string; statusCheckAt: string };

/** Small HTTP helpers bound to a base URL. */
export const http = (base: () => string) => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text } as JsonResponse;
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    /** `POST /orders` (50,000 VND unless told otherwise), expecting 201; the created order's view. */
    createOrder: async (
      body: Record<string, unknown> = { amount: 50_000 },
      headers?: Record<string, string>,
    ): Promise<CreatedOrder> => {
      const res = await call('POST', '/orders', body, headers);
      expect(res.status).toBe(201);
      return res.body as CreatedOrder;
    },
  };
};
