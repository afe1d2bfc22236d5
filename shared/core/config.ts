import * as z from 'zod/mini';
import { ConfigError } from './config-error';
import { type Env, parseEnv } from './env';
import { LOG_LEVELS } from './log-level';
import { intBetween } from './schemas';

/** Seconds, fractions allowed so tests can run the whole schedule in milliseconds. */
const seconds = (min: number, max: number) => z.coerce.number().check(z.minimum(min), z.maximum(max));

/** True for an absolute http: or https: URL. */
export const isHttpUrl = (s: string): boolean => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol);

const httpUrl = z.pipe(
  z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL')),
  z.transform((u) => u.replace(/\/+$/, '')),
);

/** Comma-separated origins like `https://shop.example`; empty means none given. */
const origins = z.pipe(
  z.string(),
  z.transform((raw, ctx) => {
    if (raw.trim() === '') return undefined;
    return raw.split(',').map((o) => {
      const trimmed = o.trim();
      const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== trimmed.replace(/\/$/, '')) {
        ctx.issues.push({
          code: 'custom',
          input: raw,
          message: `"${trimmed}" is not an origin like https://shop.example`,
        });
      }
      return url?.origin ?? trimmed;
    });
  }),
);

/**
 * Every app setting, once: its name, what it accepts and its default (docs/configuration.md §1).
 * The environment variable of a setting is its name in upper snake case ({@link envName}); the
 * CDK stack takes the same names as context (infra/settings.ts). Adding a setting is one line here.
 */
const appSettings = z
  .object({
    /** Base URL of our API; the local runtime and the stack always give it. */
    publicBaseUrl: z.optional(httpUrl),
    /** Overrides `${publicBaseUrl}/zalopay/callback` (on AWS: the callback's Function URL). */
    zalopayCallbackUrl: z.optional(httpUrl),
    /** ZaloPay's v2 API; the local runtime defaults it to its emulator, the stack to ZaloPay's host. */
    zalopayApiBase: z.optional(httpUrl),
    zalopayTimeoutMs: z._default(intBetween(100, 60_000), 10_000),
    statusCheckDelaySeconds: z._default(seconds(0, 47 * 3600), 1200),
    statusRecheckSeconds: z._default(seconds(0.001, 3600), 60),
    expiryGraceSeconds: z._default(seconds(0, 86_400), 300),
    amountMin: z._default(intBetween(1, Number.MAX_SAFE_INTEGER), 1000),
    amountMax: z._default(intBetween(1, Number.MAX_SAFE_INTEGER), 50_000_000),
    merchantName: z._default(z.string().check(z.minLength(1), z.maxLength(50)), 'ZaloPay QR demo'),
    createOrderAuth: z._default(z.enum(['none', 'api-key']), 'none'),
    /** Origins a `returnUrl` may point to; unset: only the origin of `publicBaseUrl`. */
    returnUrlOrigins: z.optional(origins),
    /** How often a long-poll re-reads the order. */
    longPollIntervalMs: z._default(intBetween(1, 10_000), 1000),
    logLevel: z.pipe(
      z._default(z.string(), 'info'),
      z.pipe(
        z.transform((l: string) => l.toUpperCase()),
        z.enum(LOG_LEVELS),
      ),
    ),
  })
  .check(
    z.refine((c) => c.amountMin <= c.amountMax, {
      message: 'must not exceed AMOUNT_MAX',
      path: ['amountMin'],
    }),
  );

/** The name of an app setting, as the CDK context knows it. */
export type AppSettingName = keyof typeof appSettings.shape;

/** Every app setting's name. */
export const APP_SETTING_NAMES = Object.keys(appSettings.shape) as AppSettingName[];

/** The environment variable of a setting: `statusCheckDelaySeconds` → `STATUS_CHECK_DELAY_SECONDS`. */
export const envName = (setting: string): string => setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Settings shared by every function and the local runtime. Keys are not here: see credentials. */
export type AppConfig = Omit<
  z.output<typeof appSettings>,
  'publicBaseUrl' | 'zalopayCallbackUrl' | 'zalopayApiBase' | 'returnUrlOrigins'
> & {
  /** Base URL of our API, without a trailing slash. */
  publicBaseUrl: string;
  /**
   * Where a `returnUrl` may send the buyer: RETURN_URL_ORIGINS, or else only our own origin, so
   * that no signed redirect of ours can be made to lead anywhere else (docs/http-api.md §2).
   */
  returnUrlOrigins: string[];
  /** Sent to ZaloPay as `callback_url`. */
  callbackUrl: string;
  /** Sent to ZaloPay as `embed_data.redirecturl`. */
  redirectUrl: string;
  zalopayApiBase: string;
};

/** Where the local runtime points the URLs a deployment always sets. */
export interface ConfigFallbacks {
  publicBaseUrl: string;
  zalopayApiBase: string;
}

/**
 * Reads and validates every app setting once, at load: a malformed value fails fast and names its
 * variable. The stack sets PUBLIC_BASE_URL and ZALOPAY_API_BASE; the local runtime passes its own
 * `fallbacks` for them (local/settings.ts), so nothing local is a default here.
 */
export const loadConfig = (env: Env, fallbacks?: ConfigFallbacks): AppConfig => {
  const byName = Object.fromEntries(APP_SETTING_NAMES.map((name) => [name, env[envName(name)]]));
  const { publicBaseUrl, zalopayCallbackUrl, zalopayApiBase, returnUrlOrigins, ...settings } = parseEnv(
    appSettings,
    byName,
    envName,
  );
  const base = publicBaseUrl ?? fallbacks?.publicBaseUrl;
  const api = zalopayApiBase ?? fallbacks?.zalopayApiBase;
  const missing = [!base && 'PUBLIC_BASE_URL', !api && 'ZALOPAY_API_BASE'].filter(Boolean);
  if (!base || !api) throw new ConfigError(`Invalid configuration: ${missing.join(', ')} must be set`);
  return {
    publicBaseUrl: base,
    callbackUrl: zalopayCallbackUrl ?? `${base}/zalopay/callback`,
    redirectUrl: `${base}/zalopay/redirect`,
    zalopayApiBase: api,
    returnUrlOrigins: returnUrlOrigins ?? [new URL(base).origin],
    ...settings,
  };
};
