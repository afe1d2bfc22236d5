import * as z from 'zod/mini';
import { ConfigError } from '../../core/config-error';
import { type Env, parseEnv } from '../../core/env';
import { intBetween } from '../../core/schemas';
import { isWebhookSecret } from '../../core/webhooks';
import type { ZaloPayCredentials } from '../../core/zalopay/types';
import { AWS_ENV } from './env';

export { AWS_ENV } from './env';

/** Rotation is picked up within this many seconds unless the stack says otherwise. */
const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

const arn = (service: string) =>
  z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`));

/** The table the stores use. */
export const tableSettings = (env: Env): { tableName: string } => {
  const c = parseEnv(z.object({ [AWS_ENV.tableName]: z.string().check(z.minLength(3)) }), env);
  return { tableName: c[AWS_ENV.tableName] };
};

/** The bucket of the reconciliation reports. */
export const reportsSettings = (env: Env): { bucket: string } => {
  const c = parseEnv(z.object({ [AWS_ENV.reportsBucket]: z.string().check(z.minLength(3)) }), env);
  return { bucket: c[AWS_ENV.reportsBucket] };
};

/** Where the ZaloPay keys and the merchant API key live, and how long a read is cached. */
export const secretSettings = (env: Env): { secretArn: string; maxAgeSeconds: number } => {
  const c = parseEnv(
    z.object({
      [AWS_ENV.secretArn]: arn('secretsmanager'),
      [AWS_ENV.secretMaxAgeSeconds]: z._default(intBetween(0, 3600), DEFAULT_SECRET_MAX_AGE_SECONDS),
    }),
    env,
  );
  return { secretArn: c[AWS_ENV.secretArn], maxAgeSeconds: c[AWS_ENV.secretMaxAgeSeconds] };
};

/** What the EventBridge scheduler adapter needs besides its client; `targetArn` may be learnt later. */
export interface SchedulerSettings {
  groupName: string;
  roleArn: string;
  deadLetterArn: string;
  targetArn: string | undefined;
}

/**
 * The schedule group, the role schedules run as, the dead-letter queue, and status-check's ARN
 * (unset in status-check itself).
 */
export const schedulerSettings = (env: Env): SchedulerSettings => {
  const c = parseEnv(
    z.object({
      [AWS_ENV.scheduleGroup]: z.string().check(z.minLength(1)),
      [AWS_ENV.schedulerRoleArn]: arn('iam'),
      [AWS_ENV.deadLetterArn]: arn('sqs'),
      [AWS_ENV.statusCheckArn]: z.optional(arn('lambda')),
    }),
    env,
  );
  return {
    groupName: c[AWS_ENV.scheduleGroup],
    roleArn: c[AWS_ENV.schedulerRoleArn],
    deadLetterArn: c[AWS_ENV.deadLetterArn],
    targetArn: c[AWS_ENV.statusCheckArn],
  };
};

const url = z
  .string()
  .check(z.refine((u) => URL.canParse(u) && /^(https?|wss?):$/.test(new URL(u).protocol), 'must be a URL'));
const text = z.string().check(z.minLength(1));

/** Where order-events hands events over (docs/events.md): the push endpoint, the bus, the webhook queue. */
export interface OrderEventsSettings {
  eventsEndpoint: string | undefined;
  eventBus: string | undefined;
  webhookQueueUrl: string | undefined;
}

/** The consumers order-events has; each is optional, so a stack without webhooks sets no queue. */
export const orderEventsSettings = (env: Env): OrderEventsSettings => {
  const c = parseEnv(
    z.object({
      [AWS_ENV.eventsEndpoint]: z.optional(url),
      [AWS_ENV.eventBus]: z.optional(text),
      [AWS_ENV.webhookQueueUrl]: z.optional(url),
    }),
    env,
  );
  return {
    eventsEndpoint: c[AWS_ENV.eventsEndpoint],
    eventBus: c[AWS_ENV.eventBus],
    webhookQueueUrl: c[AWS_ENV.webhookQueueUrl],
  };
};

/** What webhook-delivery needs besides the secret: the receiver and its two queues. */
export const webhookSettings = (
  env: Env,
): { webhookUrl: string; queueUrl: string; deadLetterQueueUrl: string } => {
  const c = parseEnv(
    z.object({
      [AWS_ENV.webhookUrl]: url,
      [AWS_ENV.webhookQueueUrl]: url,
      [AWS_ENV.webhookDeadLetterQueueUrl]: url,
    }),
    env,
  );
  return {
    webhookUrl: c[AWS_ENV.webhookUrl],
    queueUrl: c[AWS_ENV.webhookQueueUrl],
    deadLetterQueueUrl: c[AWS_ENV.webhookDeadLetterQueueUrl],
  };
};

/** The webhook's two queues, for the dead-letter routes (functions/dead-letters.ts). */
export const webhookQueueSettings = (env: Env): { queueUrl: string; deadLetterQueueUrl: string } => {
  const c = parseEnv(
    z.object({ [AWS_ENV.webhookQueueUrl]: url, [AWS_ENV.webhookDeadLetterQueueUrl]: url }),
    env,
  );
  return { queueUrl: c[AWS_ENV.webhookQueueUrl], deadLetterQueueUrl: c[AWS_ENV.webhookDeadLetterQueueUrl] };
};

/** The key events-key-renewer keeps valid. */
export const eventsKeySettings = (env: Env): { apiId: string; keyId: string } => {
  const c = parseEnv(z.object({ [AWS_ENV.eventsApiId]: text, [AWS_ENV.eventsApiKeyId]: text }), env);
  return { apiId: c[AWS_ENV.eventsApiId], keyId: c[AWS_ENV.eventsApiKeyId] };
};

/** The secret's JSON (docs/configuration.md): ZaloPay's app credentials and our merchant API key. */
export interface AppSecret {
  credentials: ZaloPayCredentials;
  merchantApiKey: string;
  /** The merchant webhook's signing secret (`whsec_…`), when the merchant has put one. */
  webhookSecret?: string;
}

/** What the stack writes into a new secret: the merchant fills these in (README, deploy guide). */
const SECRET_PLACEHOLDER = 'REPLACE_ME';

/** The secret as the stack creates it; `merchantApiKey` is generated by Secrets Manager beside it. */
export const SECRET_TEMPLATE = { appId: 0, key1: SECRET_PLACEHOLDER, key2: SECRET_PLACEHOLDER } as const;

/** The key Secrets Manager generates into the new secret: a random merchant API key. */
export const GENERATED_SECRET_KEY = 'merchantApiKey';

const key = z.string().check(
  z.minLength(1),
  z.refine((k) => k !== SECRET_PLACEHOLDER, 'is still the placeholder: put your ZaloPay key here'),
);

const secretSchema = z.object({
  appId: z.coerce.number().check(z.int(), z.positive('must be your ZaloPay app_id')),
  key1: key,
  key2: key,
  key2Previous: z.optional(key),
  merchantApiKey: z.string().check(z.minLength(16)),
  // Checked where it is used (webhookSecretOf): a malformed webhook secret must never stop payments.
  webhookSecret: z.optional(z.string()),
});

/**
 * Parses the secret's JSON. Errors name the fields only, never a value: the text is key material,
 * and even JSON.parse's own message would quote part of it.
 */
export const parseSecret = (text: string): AppSecret => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('The ZaloPay secret is not a JSON object');
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new ConfigError(`The ZaloPay secret is not usable: ${problems.join('; ')}`);
  }
  const { appId, key1, key2, key2Previous, merchantApiKey, webhookSecret } = parsed.data;
  return {
    credentials: { appId, key1, key2, ...(key2Previous ? { key2Previous } : {}) },
    merchantApiKey,
    ...(webhookSecret ? { webhookSecret } : {}),
  };
};

/**
 * The webhook signing secret of the secret, or a ConfigError naming what is wrong (never the value):
 * only webhook deliveries fail then, which retry and reach the dead-letter alarm.
 */
export const webhookSecretOf = (secret: AppSecret): string => {
  if (!secret.webhookSecret)
    throw new ConfigError('The secret has no webhookSecret: put one (whsec_…) there');
  if (!isWebhookSecret(secret.webhookSecret)) {
    throw new ConfigError(
      "The secret's webhookSecret must be whsec_ followed by the base64 of 24 to 64 bytes",
    );
  }
  return secret.webhookSecret;
};
