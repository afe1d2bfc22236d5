import * as z from 'zod/mini';
import { intBetween } from './schemas';
import { zodMessages } from './zod-messages';

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

/** Seconds, fractions allowed so tests can run the whole schedule in milliseconds. */
const seconds = (min: number, max: number) => z.coerce.number().check(z.minimum(min), z.maximum(max));
/** True for an absolute http: or https: URL. */
export const isHttpUrl = (s: string): boolean => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);

const httpUrl = z.pipe(
  z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL')),
  z.transform((u) => u.replace(/\/+$/, '')),
);

const schema = z
  .object({
    PORT: z._default(intBetween(0, 65535), 3000),
    PUBLIC_BASE_URL: z.optional(httpUrl),
    ZALOPAY_CALLBACK_URL: z.optional(httpUrl),
    ZALOPAY_API_BASE: z.optional(httpUrl),
    ZALOPAY_TIMEOUT_MS: z._default(intBetween(100, 60_000), 10_000),
    STATUS_CHECK_DELAY_SECONDS: z._default(seconds(0, 47 * 3600), 1200),
    STATUS_RECHECK_SECONDS: z._default(seconds(0.001, 3600), 60),
    EXPIRY_GRACE_SECONDS: z._default(seconds(0, 86_400), 300),
    AMOUNT_MIN: z._default(intBetween(1, Number.MAX_SAFE_INTEGER), 1000),
    AMOUNT_MAX: z._default(intBetween(1, Number.MAX_SAFE_INTEGER), 50_000_000),
    MERCHANT_NAME: z._default(z.string().check(z.minLength(1), z.maxLength(50)), 'ZaloPay QR demo'),
    CREATE_ORDER_AUTH: z._default(z.enum(['none', 'api-key']), 'none'),
    RETURN_URL_ORIGINS: z.optional(z.string()),
    LONG_POLL_INTERVAL_MS: z._default(intBetween(1, 10_000), 1000),
    LOG_LEVEL: z.pipe(
      z._default(z.string(), 'info'),
      z.pipe(
        z.transform((l: string) => l.toUpperCase()),
        z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']),
      ),
    ),
  })
  .check(
    z.refine((c) => c.AMOUNT_MIN <= c.AMOUNT_MAX, {
      message: 'must not exceed AMOUNT_MAX',
      path: ['AMOUNT_MIN'],
    }),
  );

/** Thrown at load when a variable is malformed; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `schema` applied to the environment, or a ConfigError naming every bad variable (never its value). */
export const parseEnv = <T>(schema: z.ZodMiniType<T>, env: Env): T => {
  const parsed = schema.safeParse(env, { error: zodMessages });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
};

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
 * Reads and validates every setting once, at load. Defaults are those of docs/configuration.md, so an
 * empty environment runs the local demo; a malformed value fails fast and names itself.
 */
export const loadConfig = (env: Env): AppConfig => {
  const c = parseEnv(schema, env);
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
