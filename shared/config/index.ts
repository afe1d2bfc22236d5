import * as z from 'zod';

/** Settings shared by every function and the local runtime. Keys are not here: see credentials. */
export interface AppConfig {
  /** The local runtime's port (unused on AWS). */
  port: number;
  /** Base URL of our API, without a trailing slash. */
  publicBaseUrl: string;
  /** Sent to ZaloPay as `callback_url`. */
  callbackUrl: string;
  /** Sent to ZaloPay as `embed_data.redirecturl`. */
  redirectUrl: string;
  zalopayApiBase: string;
  zalopayTimeoutMs: number;
  statusCheckDelaySeconds: number;
  statusRecheckSeconds: number;
  expiryGraceSeconds: number;
  amountMin: number;
  amountMax: number;
  merchantName: string;
  createOrderAuth: 'none' | 'api-key';
  /** Origins a `returnUrl` may point to; undefined allows any http(s) URL. */
  returnUrlOrigins: readonly string[] | undefined;
  /** How often a long-poll re-reads the order. */
  longPollIntervalMs: number;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

type Env = Readonly<Record<string, string | undefined>>;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Seconds, fractions allowed so tests can run the whole schedule in milliseconds. */
const seconds = (min: number, max: number) => z.coerce.number().min(min).max(max);
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const schema = z
  .object({
    PORT: int(0, 65535).default(3000),
    PUBLIC_BASE_URL: httpUrl.optional(),
    ZALOPAY_CALLBACK_URL: httpUrl.optional(),
    ZALOPAY_API_BASE: httpUrl.optional(),
    ZALOPAY_TIMEOUT_MS: int(100, 60_000).default(10_000),
    STATUS_CHECK_DELAY_SECONDS: seconds(0, 47 * 3600).default(1200),
    STATUS_RECHECK_SECONDS: seconds(0.001, 3600).default(60),
    EXPIRY_GRACE_SECONDS: seconds(0, 86_400).default(300),
    AMOUNT_MIN: int(1, Number.MAX_SAFE_INTEGER).default(1000),
    AMOUNT_MAX: int(1, Number.MAX_SAFE_INTEGER).default(50_000_000),
    MERCHANT_NAME: z.string().min(1).max(50).default('ZaloPay QR demo'),
    CREATE_ORDER_AUTH: z.enum(['none', 'api-key']).default('none'),
    RETURN_URL_ORIGINS: z.string().optional(),
    LONG_POLL_INTERVAL_MS: int(1, 10_000).default(1000),
    LOG_LEVEL: z
      .string()
      .default('info')
      .transform((l) => l.toUpperCase())
      .pipe(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])),
  })
  .refine((c) => c.AMOUNT_MIN <= c.AMOUNT_MAX, {
    message: 'must not exceed AMOUNT_MAX',
    path: ['AMOUNT_MIN'],
  });

/** Thrown at load when a variable is malformed; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const origins = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((o) => {
    const trimmed = o.trim();
    const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== trimmed.replace(/\/$/, '')) {
      throw new ConfigError(`RETURN_URL_ORIGINS: "${trimmed}" is not an origin like https://shop.example`);
    }
    return url.origin;
  });
};

/**
 * Reads and validates every setting once, at load. Defaults are those of design.md §6, so an
 * empty environment runs the local demo; a malformed value fails fast and names itself.
 */
export const loadConfig = (env: Env): AppConfig => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const publicBaseUrl = c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`;
  return {
    port: c.PORT,
    publicBaseUrl,
    callbackUrl: c.ZALOPAY_CALLBACK_URL ?? `${publicBaseUrl}/zalopay/callback`,
    redirectUrl: `${publicBaseUrl}/zalopay/redirect`,
    zalopayApiBase: c.ZALOPAY_API_BASE ?? `${publicBaseUrl}/emulator`,
    zalopayTimeoutMs: c.ZALOPAY_TIMEOUT_MS,
    statusCheckDelaySeconds: c.STATUS_CHECK_DELAY_SECONDS,
    statusRecheckSeconds: c.STATUS_RECHECK_SECONDS,
    expiryGraceSeconds: c.EXPIRY_GRACE_SECONDS,
    amountMin: c.AMOUNT_MIN,
    amountMax: c.AMOUNT_MAX,
    merchantName: c.MERCHANT_NAME,
    createOrderAuth: c.CREATE_ORDER_AUTH,
    returnUrlOrigins: origins(c.RETURN_URL_ORIGINS),
    longPollIntervalMs: c.LONG_POLL_INTERVAL_MS,
    logLevel: c.LOG_LEVEL,
  };
};
