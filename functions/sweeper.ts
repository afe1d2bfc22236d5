import middy from '@middy/core';
import { type StatusCheckDeps, sweepOverdueChecks } from '../shared/core/orders/status-check';

export interface Deps extends StatusCheckDeps {
  sweep: { limit: number; graceSeconds: number; concurrency: number };
}

/** Default sweep: checks that are two minutes overdue, up to 100 per run, four at a time. */
export const DEFAULT_SWEEP = { limit: 100, graceSeconds: 120, concurrency: 4 } as const;

/**
 * Runs on a recurring schedule (every 5 minutes) and checks every unsettled order whose next check
 * is overdue, so a lost or throttled schedule never strands an order.
 */
export const makeHandler = (deps: Deps) =>
  middy<unknown, { checked: number }>().handler(async () => {
    const checked = await sweepOverdueChecks(deps, deps.sweep);
    if (checked > 0) deps.log.info('sweeper checked overdue orders', { checked });
    return { checked };
  });
