import { ConfigError } from '../../core/config-error';
import type { Env } from '../../core/env';
import { AWS_ENV } from './env';

/**
 * The few variables the pages function reads at cold start, checked without the settings' schemas
 * (zod, ./settings.ts, shared/core/config.ts): the pages' cold start is a buyer's first wait, and
 * these checks are a handful of lines. The rules are `loadConfig`'s, which test/unit/config/aws.test.ts
 * compares against these over arbitrary values. The API document, made at its first request, reads
 * the whole configuration with `loadConfig` as every other function does.
 */

/** What the demo pages show and where they subscribe (functions/pages.ts `Deps`). */
export interface PageSettings {
  merchantName: string;
  push: PushSettings | undefined;
}

/** AppSync Events' real-time URL, its HTTP domain and the API key the pages subscribe with. */
export interface PushSettings {
  realtimeUrl: string;
  host: string;
  apiKey: string;
}

/** `MERCHANT_NAME`'s default and length, as `loadConfig` has them (shared/core/config.ts). */
const MERCHANT_NAME = { variable: 'MERCHANT_NAME', default: 'ZaloPay QR demo', maxLength: 50 } as const;

const isSocketOrHttpUrl = (value: string) =>
  URL.canParse(value) && /^(https?|wss?):$/.test(new URL(value).protocol);

type Problem = string | false;

/** A ConfigError naming every bad variable, when there is one. */
const check = (problems: Problem[]): void => {
  const bad = problems.filter((problem): problem is string => problem !== false);
  if (bad.length > 0) throw new ConfigError(`Invalid configuration: ${bad.join('; ')}`);
};

const merchantNameProblems = (env: Env): Problem[] => {
  const name = env[MERCHANT_NAME.variable];
  return [
    name !== undefined &&
      (name.length < 1 || name.length > MERCHANT_NAME.maxLength) &&
      `${MERCHANT_NAME.variable}: must be 1 to ${MERCHANT_NAME.maxLength} characters`,
  ];
};

/** An unset variable is no problem: the pages long-poll then. */
const pushProblems = (env: Env): Problem[] => {
  const realtimeUrl = env[AWS_ENV.eventsRealtimeUrl];
  return [
    realtimeUrl !== undefined &&
      !isSocketOrHttpUrl(realtimeUrl) &&
      `${AWS_ENV.eventsRealtimeUrl}: must be a URL`,
    env[AWS_ENV.eventsHost] === '' && `${AWS_ENV.eventsHost}: must not be empty`,
    env[AWS_ENV.eventsApiKey] === '' && `${AWS_ENV.eventsApiKey}: must not be empty`,
  ];
};

/** The push settings of variables already checked; undefined without a push channel (long-poll only). */
const pushOf = (env: Env): PushSettings | undefined => {
  const realtimeUrl = env[AWS_ENV.eventsRealtimeUrl];
  const host = env[AWS_ENV.eventsHost];
  const apiKey = env[AWS_ENV.eventsApiKey];
  return realtimeUrl && host && apiKey ? { realtimeUrl, host, apiKey } : undefined;
};

/**
 * The merchant's name and the push settings, or a ConfigError naming every bad variable (never its
 * value), so that a malformed one fails the cold start as `loadConfig` would.
 */
export const pageSettings = (env: Env): PageSettings => {
  check([...merchantNameProblems(env), ...pushProblems(env)]);
  return { merchantName: env[MERCHANT_NAME.variable] ?? MERCHANT_NAME.default, push: pushOf(env) };
};
