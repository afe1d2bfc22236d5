import middy from '@middy/core';
import type { Clock } from '../shared/core/clock';
import type { Log, Metrics } from '../shared/core/observability';

export interface Deps {
  /** Sets the buyer push's API key to expire at `expires`; resolves with the expiry AppSync kept. */
  apiKey: { renew(expires: Date): Promise<Date> };
  clock: Clock;
  log: Log;
  metrics: Metrics;
}

/**
 * How far ahead each renewal moves the key's expiry: AppSync allows at most 365 days from the
 * update, and the schedule runs daily, so a renewal that keeps failing leaves almost a year.
 */
export const KEY_VALIDITY_DAYS = 364;

/**
 * Keeps the API key the pages subscribe with (docs/events.md §5) from expiring: AppSync Events'
 * keys expire (7 days after creation unless renewed, 365 at most). Renewing moves the expiry of
 * the very same key, so the pages keep the key they were given. A failure throws (function
 * errors alarm), and the renewal metric stopping raises its own alarm.
 */
export const makeHandler = (deps: Deps) =>
  middy<unknown, { expires: string }>().handler(async () => {
    const wanted = new Date(deps.clock().getTime() + KEY_VALIDITY_DAYS * 24 * 3600 * 1000);
    const expires = await deps.apiKey.renew(wanted);
    deps.metrics.count('EventsKeyRenewed');
    deps.log.info('buyer push API key renewed', { expires: expires.toISOString() });
    return { expires: expires.toISOString() };
  });
