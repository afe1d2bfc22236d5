import * as z from 'zod/mini';

/**
 * When a merchant webhook delivery that failed is tried again (docs/events.md §3): exponential
 * back-off from a first delay, doubling up to a cap, for at least a window after the first
 * attempt; a delivery still failing once the window has passed is dead-lettered. The same policy
 * runs locally (timers) and on AWS (an SQS message's visibility), so both retry alike.
 */
export interface WebhookRetryPolicy {
  /** The delay after the first failure. */
  firstDelaySeconds: number;
  /** No delay is longer than this. */
  maxDelaySeconds: number;
  /** Deliveries are retried at least this long after their first attempt, then dead-lettered. */
  windowSeconds: number;
}

/** docs/events.md §3 and §6: 10 s, doubling up to an hour, for 24 hours. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  firstDelaySeconds: 10,
  maxDelaySeconds: 3600,
  windowSeconds: 24 * 3600,
};

/** What to do with a delivery that has just failed. */
export type WebhookRetry =
  /** Try again after `delaySeconds`. */
  | { kind: 'retry'; delaySeconds: number }
  /** The window is over: keep it for an operator to replay. */
  | { kind: 'dead-letter' };

/** The delay after the `failedAttempts`-th failure (1 for the first): first × 2^(n−1), capped. */
export const retryDelaySeconds = (policy: WebhookRetryPolicy, failedAttempts: number): number =>
  Math.min(policy.firstDelaySeconds * 2 ** Math.max(0, failedAttempts - 1), policy.maxDelaySeconds);

/**
 * The decision after a failed attempt: retry while the window since `firstAttemptAt` is open (the
 * last retry may fall after it closes, so retries last at least the window), dead-letter after.
 */
export const afterFailedAttempt = (
  policy: WebhookRetryPolicy,
  failedAttempts: number,
  firstAttemptAt: Date,
  now: Date,
): WebhookRetry =>
  (now.getTime() - firstAttemptAt.getTime()) / 1000 >= policy.windowSeconds
    ? { kind: 'dead-letter' }
    : { kind: 'retry', delaySeconds: retryDelaySeconds(policy, failedAttempts) };

/**
 * How many attempts the policy makes, at most, when every one fails at once: the first, then one
 * per delay until the delays add up to the window. A queue's receive limit must not be lower.
 */
export const attemptsWithin = (policy: WebhookRetryPolicy): number => {
  let attempts = 1;
  let elapsed = 0;
  while (elapsed < policy.windowSeconds) {
    elapsed += retryDelaySeconds(policy, attempts);
    attempts++;
  }
  return attempts;
};

/**
 * True for a signing secret in Standard Webhooks' format (docs/events.md §3): `whsec_` and the
 * base64 of 24 to 64 bytes, the range the scheme recommends.
 */
export const isWebhookSecret = (secret: string): boolean => {
  const encoded = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret)?.[1];
  if (!encoded) return false;
  const key = Buffer.from(encoded, 'base64');
  return key.toString('base64') === encoded && key.length >= 24 && key.length <= 64;
};

/** A webhook signing secret setting (`WEBHOOK_SECRET`, the secret's `webhookSecret`). */
export const webhookSecretSchema = z
  .string()
  .check(z.refine(isWebhookSecret, 'must be whsec_ followed by the base64 of 24 to 64 random bytes'));
