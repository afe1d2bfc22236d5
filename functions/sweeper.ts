import middy from '@middy/core';
import {
  type StatusCheckDeps,
  type SweepOptions,
  type SweepResult,
  sweepOverdueChecks,
} from '../shared/core/orders/status-check';

export interface Deps extends StatusCheckDeps {
  sweep: SweepOptions;
}

/**
 * The sweep of docs/scheduling.md §4: checks two minutes overdue, 100 per page, 8 at a time, none
 * started with less than the longest a check may take left: ZaloPay's timeout, plus 5 s for
 * the order's reads and writes and the next schedule.
 */
export const sweepOptions = (zalopayTimeoutMs: number): SweepOptions => ({
  graceSeconds: 120,
  concurrency: 8,
  pageSize: 100,
  reserveMs: zalopayTimeoutMs + 5_000,
});

/**
 * Runs on a recurring schedule (every 5 minutes) and works through every unsettled order whose
 * check is overdue, so a lost or throttled schedule never strands an order. It stops in time to
 * finish what it started before the function's timeout; the next run carries on.
 */
export const makeHandler = (deps: Deps) =>
  middy<unknown, SweepResult>().handler(async (_event, context) => {
    const result = await sweepOverdueChecks(deps, deps.sweep, () => context.getRemainingTimeInMillis());
    if (result.checked > 0) deps.log.info('sweeper checked overdue orders', { ...result });
    if (result.stoppedForTime)
      deps.log.warn('sweeper ran out of time; the next run carries on', { ...result });
    return result;
  });
