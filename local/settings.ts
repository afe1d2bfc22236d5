import * as z from 'zod/mini';
import { type ConfigFallbacks, isHttpUrl } from '../shared/core/config';
import { parseEnv } from '../shared/core/env';
import { intBetween } from '../shared/core/schemas';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetryPolicy, webhookSecretSchema } from '../shared/core/webhooks';
import type { ZaloPayCredentials } from '../shared/core/zalopay/types';
import { SANDBOX_APP_2553 } from './sandbox';

type Env = Readonly<Record<string, string | undefined>>;

/** Set and not empty, or unset: an empty value counts as unset, as `VAR= npm start` means. */
const unlessEmpty = <T extends z.ZodMiniType>(inner: T) =>
  z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(inner),
  );
const key = z.string().check(z.minLength(1));

/**
 * The webhook signing secret when `WEBHOOK_SECRET` is unset: a fixed development secret, published
 * here on purpose so that `npm run webhook-echo` verifies without configuration. Local only: on
 * AWS the secret is the merchant's own, in the stack's secret (docs/events.md §3).
 */
export const LOCAL_WEBHOOK_SECRET = 'whsec_emFsb3BheS1xci1sb2NhbC13ZWJob29rLXNlY3JldCE=';

/** The API key of the local push endpoint when `EVENTS_API_KEY` is unset (docs/events.md §6). */
export const LOCAL_EVENTS_API_KEY = 'local-events-key';

/** Loopback only: the local runtime holds public sandbox keys and a default merchant key. */
const DEFAULT_HOST = '127.0.0.1';

const schema = z.object({
  PORT: z._default(intBetween(0, 65535), 3000),
  HOST: unlessEmpty(z.string().check(z.regex(/^[\w.:-]{1,253}$/, 'must be a host name or an IP address'))),
  ZALOPAY_APP_ID: z._default(z.coerce.number().check(z.int(), z.positive()), SANDBOX_APP_2553.appId),
  ZALOPAY_KEY1: z._default(key, SANDBOX_APP_2553.key1),
  ZALOPAY_KEY2: z._default(key, SANDBOX_APP_2553.key2),
  ZALOPAY_KEY2_PREVIOUS: z.optional(key),
  MERCHANT_API_KEY: unlessEmpty(z.string()),
  DATA_DIR: unlessEmpty(z.string()),
  SWEEP_INTERVAL_SECONDS: unlessEmpty(z.coerce.number().check(z.positive())),
  EMULATOR_APP_CALLBACK_URL: unlessEmpty(z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL'))),
  EVENTS_API_KEY: z._default(key, LOCAL_EVENTS_API_KEY),
  WEBHOOK_URL: unlessEmpty(z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL'))),
  WEBHOOK_SECRET: z._default(webhookSecretSchema, LOCAL_WEBHOOK_SECRET),
  WEBHOOK_RETRY_SECONDS: z._default(
    z.coerce.number().check(z.positive(), z.maximum(DEFAULT_WEBHOOK_RETRY.maxDelaySeconds)),
    DEFAULT_WEBHOOK_RETRY.firstDelaySeconds,
  ),
  WEBHOOK_RETRY_WINDOW_SECONDS: z._default(
    z.coerce.number().check(z.positive(), z.maximum(7 * 24 * 3600)),
    DEFAULT_WEBHOOK_RETRY.windowSeconds,
  ),
});

/** What only the local runtime reads from the environment, besides the app settings of `loadConfig`. */
export interface LocalSettings {
  /** The port to listen on; 0 picks a free one. */
  port: number;
  /** The address to listen on: 127.0.0.1 unless HOST says otherwise (`0.0.0.0`: every interface). */
  host: string;
  /** From the environment, else ZaloPay's public sandbox app. */
  credentials: ZaloPayCredentials;
  merchantApiKey: string;
  /** Where dynalite keeps its data; in memory when unset. */
  dataDir: string | undefined;
  sweepIntervalSeconds: number;
  /**
   * The callback URL registered for the app at the emulator (ZaloPay's merchant-portal setting),
   * for orders created without `callback_url`; unset: this runtime's own callback URL.
   */
  emulatorAppCallbackUrl: string | undefined;
  /** What the pages subscribe to the local push endpoint with. */
  eventsApiKey: string;
  /** The merchant webhook: where (none when unset), the signing secret, and the retry policy. */
  webhook: { url: string | undefined; secret: string; retry: WebhookRetryPolicy };
}

/** The local settings, or a ConfigError naming every bad variable (never its value: keys are secret). */
export const localSettings = (env: Env): LocalSettings => {
  const c = parseEnv(schema, env);
  return {
    port: c.PORT,
    host: c.HOST ?? DEFAULT_HOST,
    credentials: {
      appId: c.ZALOPAY_APP_ID,
      key1: c.ZALOPAY_KEY1,
      key2: c.ZALOPAY_KEY2,
      ...(c.ZALOPAY_KEY2_PREVIOUS ? { key2Previous: c.ZALOPAY_KEY2_PREVIOUS } : {}),
    },
    merchantApiKey: c.MERCHANT_API_KEY ?? 'dev-merchant-key',
    dataDir: c.DATA_DIR,
    sweepIntervalSeconds: c.SWEEP_INTERVAL_SECONDS ?? 300,
    emulatorAppCallbackUrl: c.EMULATOR_APP_CALLBACK_URL,
    eventsApiKey: c.EVENTS_API_KEY,
    webhook: {
      url: c.WEBHOOK_URL,
      secret: c.WEBHOOK_SECRET,
      retry: {
        ...DEFAULT_WEBHOOK_RETRY,
        firstDelaySeconds: c.WEBHOOK_RETRY_SECONDS,
        windowSeconds: c.WEBHOOK_RETRY_WINDOW_SECONDS,
      },
    },
  };
};

/** Addresses that `localhost` reaches: loopback, or every interface (which includes loopback). */
const REACHED_AS_LOCALHOST = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::']);

/**
 * What the local runtime gives `loadConfig` for the URLs a deployment always sets: this machine on
 * the port it listens on (`localhost`, unless HOST names an address that `localhost` does not
 * reach), and the built-in emulator mounted at `emulatorPath`.
 */
export const localFallbacks = (port: number, emulatorPath: string, host = DEFAULT_HOST): ConfigFallbacks => {
  const name = REACHED_AS_LOCALHOST.has(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const publicBaseUrl = `http://${name}:${port}`;
  return { publicBaseUrl, zalopayApiBase: `${publicBaseUrl}${emulatorPath}` };
};
