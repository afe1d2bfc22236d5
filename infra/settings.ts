import * as z from 'zod/mini';
import { APP_SETTING_NAMES, type AppSettingName, envName, loadConfig } from '../shared/core/config';
import { zodMessages } from '../shared/core/zod-messages';

/** ZaloPay's v2 OpenAPI hosts (docs/zalopay-protocol.md §1.1). */
const ZALOPAY_API_BASES = {
  sandbox: 'https://sb-openapi.zalopay.vn',
  production: 'https://openapi.zalopay.vn',
} as const;

/** Which ZaloPay the stack talks to. */
export type ZaloPayEnv = keyof typeof ZALOPAY_API_BASES;

/** What a deployment may choose, from CDK context (`cdk deploy -c key=value` or cdk.json). */
export interface StackSettings {
  zalopayEnv: ZaloPayEnv;
  stackName: string;
  /** An existing secret (complete ARN); undefined: the stack creates one with placeholders. */
  zalopaySecretArn: string | undefined;
  /** Origins allowed by CORS; empty: no CORS (the demo pages are same-origin). */
  allowedOrigins: string[];
  /**
   * The app settings every function gets as environment variables (docs/configuration.md), already
   * validated by `loadConfig`. The URLs only known at deploy time are added by the stack.
   */
  appEnv: Record<string, string>;
  demoPages: boolean;
  throttle: { rateLimit: number; burstLimit: number };
  /** Subscribed to the alarm topic when given. */
  alarmEmail: string | undefined;
  /**
   * Lambda concurrency set aside for callback and status-check, and the cap of get-order (see
   * `infra/stack.ts`). Undefined for one: no reservation. All undefined, and the sweeper's own
   * reservation of 1 too, when the context's `reservedConcurrency` is `false`.
   */
  concurrency: {
    reserve: boolean;
    callback: number | undefined;
    statusCheck: number | undefined;
    getOrder: number | undefined;
  };
  /** Memory (MB) by function name, over the measured defaults of `FUNCTION_SPECS`. */
  functionMemory: Record<string, number>;
  /** The OpenTelemetry Lambda layer every function gets, when given; off by default. */
  openTelemetryLayerArn: string | undefined;
  /** The merchant's webhook receiver (docs/events.md §3); undefined: no webhook, no delivery queue. */
  webhookUrl: string | undefined;
  /** An existing EventBridge bus for order events (docs/events.md §4); undefined: the stack creates one. */
  eventBusArn: string | undefined;
}

/** Thrown at synth for bad context; the message names the context key. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

type Context = (key: string) => unknown;

/** `-c key=value` gives text, cdk.json may give a boolean, a number or a list. */
const flag = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((v) => v === 'true'),
  ),
]);
const list = z.pipe(
  z.union([z.string(), z.array(z.string())]),
  z.transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean)),
);
/** 0 means "no reservation" here: Lambda's own 0 would stop the function from running at all. */
const concurrency = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000)), fallback);
/** `name=MB,name=MB` from -c, or an object in cdk.json. */
const memoryByFunction = z.pipe(
  z.union([
    z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        const entries = text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => part.split('='));
        if (entries.some((entry) => entry.length !== 2)) {
          ctx.issues.push({ code: 'custom', input: text, message: 'must be name=MB pairs, comma-separated' });
          return z.NEVER;
        }
        return Object.fromEntries(entries.map(([name, mb]) => [name!.trim(), mb!.trim()]));
      }),
    ),
    z.record(z.string(), z.union([z.string(), z.number()])),
  ]),
  z.record(
    z.string(),
    z.pipe(
      z.union([z.string(), z.number()]),
      z.pipe(
        z.transform((mb: string | number) => Number(mb)),
        z.number().check(z.int(), z.minimum(128), z.maximum(10_240)),
      ),
    ),
  ),
);
const origin = z.string().check(
  z.refine((o) => URL.canParse(o) && new URL(o).origin === o && /^https?:/.test(o), {
    message: 'must be an origin like https://shop.example (scheme and host, no path or trailing slash)',
  }),
);

/** The stack's own settings; the app settings of shared/core/config.ts come on top, by their names. */
const stackSchema = z.object({
  zalopayEnv: z._default(z.enum(['sandbox', 'production']), 'sandbox'),
  stackName: z.optional(
    z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')),
  ),
  zalopaySecretArn: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
          'must be the complete ARN of a secret (with its 6-character suffix)',
        ),
      ),
  ),
  allowedOrigins: z._default(z.pipe(list, z.array(origin)), []),
  demoPages: z.optional(flag),
  throttleRateLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10_000)), 50),
  throttleBurstLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5_000)), 100),
  alarmEmail: z.optional(z.email()),
  reservedConcurrency: z._default(flag, true),
  callbackConcurrency: concurrency(10),
  statusCheckConcurrency: concurrency(10),
  getOrderConcurrency: concurrency(50),
  functionMemory: z._default(memoryByFunction, {}),
  openTelemetryLayerArn: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/,
          'must be the ARN of a Lambda layer version (…:layer:name:version)',
        ),
      ),
  ),
  webhookUrl: z.optional(
    z.string().check(
      z.refine((u) => URL.canParse(u) && new URL(u).protocol === 'https:', {
        message: 'must be an https URL (the events carry order data)',
      }),
    ),
  ),
  eventBusArn: z.optional(
    z
      .string()
      .check(
        z.regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.\-/]+$/, 'must be an event bus ARN'),
      ),
  ),
});

/** App settings the stack sets itself: its own URLs, and ZaloPay's host from `zalopayEnv`. */
const SET_BY_STACK: readonly AppSettingName[] = ['publicBaseUrl', 'zalopayCallbackUrl', 'zalopayApiBase'];

/** The app settings a deployment may give as context, under their own names (docs/configuration.md §3). */
const DEPLOYABLE = APP_SETTING_NAMES.filter((name) => !SET_BY_STACK.includes(name));

/**
 * App settings the stack gives the functions when the context says nothing, by ZaloPay
 * environment. In production only the merchant's backend creates orders (`createOrderAuth`
 * `api-key`, README "Trust model"); the sandbox keeps the app's default `none`, for the demo.
 */
const STACK_DEFAULTS: Record<ZaloPayEnv, Partial<Record<AppSettingName, string>>> = {
  sandbox: { logLevel: 'info' },
  production: { logLevel: 'info', createOrderAuth: 'api-key' },
};

/** A reservation of `n`, unless reservations are off or `n` is 0. */
const reservation = (reserve: boolean, n: number): number | undefined => (reserve && n > 0 ? n : undefined);

/** A context value as the environment variable text the functions read. */
const asEnvText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : Array.isArray(value) ? value.join(',') : String(value);

/**
 * Reads and validates the deployment's context, with defaults that make `npx cdk deploy` without
 * any context a sandbox stack. App settings go through `loadConfig`, the functions' own
 * validation, so a value the functions would refuse fails the synth instead of a cold start.
 */
export const readSettings = (context: Context): StackSettings => {
  const raw = Object.fromEntries(Object.keys(stackSchema.shape).map((key) => [key, context(key)]));
  const parsed = stackSchema.safeParse(raw, { error: zodMessages });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid CDK context: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const chosen: Partial<Record<AppSettingName, string>> = {
    ...STACK_DEFAULTS[c.zalopayEnv],
    // Return URLs may go where the API is called from, unless the deployment says otherwise.
    ...(c.allowedOrigins.length > 0 && { returnUrlOrigins: c.allowedOrigins.join(',') }),
  };
  for (const name of DEPLOYABLE) {
    const value = asEnvText(context(name));
    if (value !== undefined) chosen[name] = value;
  }
  const appEnv: Record<string, string> = { ZALOPAY_API_BASE: ZALOPAY_API_BASES[c.zalopayEnv] };
  for (const [name, value] of Object.entries(chosen)) {
    if (value !== undefined) appEnv[envName(name)] = value;
  }
  try {
    loadConfig(appEnv, { publicBaseUrl: 'https://api.example', zalopayApiBase: appEnv.ZALOPAY_API_BASE! });
  } catch (error) {
    throw new SettingsError(`Invalid CDK context: ${(error as Error).message}`);
  }
  return {
    zalopayEnv: c.zalopayEnv,
    stackName: c.stackName ?? `zalopay-qr-${c.zalopayEnv}`,
    zalopaySecretArn: c.zalopaySecretArn,
    allowedOrigins: c.allowedOrigins,
    appEnv,
    demoPages: c.demoPages ?? c.zalopayEnv === 'sandbox',
    throttle: { rateLimit: c.throttleRateLimit, burstLimit: c.throttleBurstLimit },
    alarmEmail: c.alarmEmail,
    concurrency: {
      reserve: c.reservedConcurrency,
      callback: reservation(c.reservedConcurrency, c.callbackConcurrency),
      statusCheck: reservation(c.reservedConcurrency, c.statusCheckConcurrency),
      getOrder: reservation(c.reservedConcurrency, c.getOrderConcurrency),
    },
    functionMemory: c.functionMemory,
    openTelemetryLayerArn: c.openTelemetryLayerArn,
    webhookUrl: c.webhookUrl,
    eventBusArn: c.eventBusArn,
  };
};
