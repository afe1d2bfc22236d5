import * as z from 'zod';
import { loadConfig } from '../shared/core/config';

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
}

/** Thrown at synth for bad context; the message names the context key. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

type Context = (key: string) => unknown;

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const text = z.union([z.string(), z.number()]).transform(String);
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

const origin = z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o && /^https?:/.test(o), {
  message: 'must be an origin like https://shop.example (scheme and host, no path or trailing slash)',
});

const schema = z.object({
  zalopayEnv: z.enum(['sandbox', 'production']).default('sandbox'),
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')
    .optional(),
  zalopaySecretArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
      'must be the complete ARN of a secret (with its 6-character suffix)',
    )
    .optional(),
  allowedOrigins: list.pipe(z.array(origin)).default([]),
  returnUrlOrigins: list.pipe(z.array(origin)).optional(),
  amountMin: text.optional(),
  amountMax: text.optional(),
  statusCheckDelaySeconds: text.optional(),
  createOrderAuth: z.enum(['none', 'api-key']).optional(),
  merchantName: z.string().optional(),
  logLevel: z.string().default('info'),
  demoPages: flag.optional(),
  throttleRateLimit: z.coerce.number().int().min(1).max(10_000).default(50),
  throttleBurstLimit: z.coerce.number().int().min(1).max(5_000).default(100),
  alarmEmail: z.email().optional(),
});

/** The context keys a deployment may set (README, deploy guide). */
const CONTEXT_KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/**
 * Reads and validates the deployment's context, with defaults that make `npx cdk deploy` without
 * any context a sandbox stack. App settings go through `loadConfig`, the functions' own
 * validation, so a value the functions would refuse fails the synth instead of a cold start.
 */
export const readSettings = (context: Context): StackSettings => {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, context(key)]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid CDK context: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const returnUrlOrigins = c.returnUrlOrigins ?? c.allowedOrigins;
  const appEnv = Object.fromEntries(
    Object.entries({
      ZALOPAY_API_BASE: ZALOPAY_API_BASES[c.zalopayEnv],
      AMOUNT_MIN: c.amountMin,
      AMOUNT_MAX: c.amountMax,
      STATUS_CHECK_DELAY_SECONDS: c.statusCheckDelaySeconds,
      CREATE_ORDER_AUTH: c.createOrderAuth,
      MERCHANT_NAME: c.merchantName,
      RETURN_URL_ORIGINS: returnUrlOrigins.length > 0 ? returnUrlOrigins.join(',') : undefined,
      LOG_LEVEL: c.logLevel,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  try {
    loadConfig(appEnv);
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
  };
};
