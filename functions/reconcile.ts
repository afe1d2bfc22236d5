import middy from '@middy/core';
import {
  DEFAULT_RECONCILE_OPTIONS,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconciliationSummary,
  reconcileDay,
  toCsv,
} from '../shared/core/orders/reconcile';
import type { ReportStore } from '../shared/core/ports/reports';
import { vnDayBefore } from '../shared/core/zalopay/ids';

export interface Deps extends ReconcileDeps {
  reports: ReportStore;
  reconcile: ReconcileOptions;
}

/**
 * How the daily run queries ZaloPay: 4 at a time, at most 10 a second, each refused (-429) or
 * unanswered query tried twice more; no order started with less time left than three ZaloPay
 * timeouts and their pauses, plus 5 s to write the report.
 */
export const dailyOptions = (zalopayTimeoutMs: number): ReconcileOptions => ({
  ...DEFAULT_RECONCILE_OPTIONS,
  reserveMs: 3 * zalopayTimeoutMs + 3_000 + 5_000,
});

/**
 * How `POST /reconciliations` queries ZaloPay: as the daily run, with one retry, inside API
 * Gateway's 30 s (the function's timeout is 29 s).
 */
export const routeOptions = (zalopayTimeoutMs: number): ReconcileOptions => ({
  ...DEFAULT_RECONCILE_OPTIONS,
  pageSize: 50,
  retries: 1,
  reserveMs: 2 * zalopayTimeoutMs + 1_000 + 1_000,
});

/** What the schedule sends: nothing (yesterday, in Vietnam), or the day to reconcile again. */
export interface ReconcileEvent {
  date?: string;
}

/** Where a day's report goes in the bucket: `reports/<yyyy-mm-dd>.json` and `.csv`. */
export const reportNames = (date: string) => ({
  json: `reports/${date}.json`,
  csv: `reports/${date}.csv`,
});

/** What one run did: the day's counts, and whether the whole day was done. */
export interface ReconcileRunResult extends ReconciliationSummary {
  complete: boolean;
}

/**
 * The daily reconciliation (docs/reconciliation.md §6): EventBridge Scheduler runs it at 02:00
 * Vietnam time for the day before. It reconciles the day, page after page, stopping in time to
 * write the report before the function's timeout, and writes it as JSON and CSV. The mismatches
 * and unresolved orders are counted as metrics, on which the stack alarms.
 */
export const makeHandler = (deps: Deps) =>
  middy<ReconcileEvent | undefined, ReconcileRunResult>().handler(async (event, context) => {
    const date = event?.date ?? vnDayBefore(deps.clock(), 1);
    const report = await reconcileDay(deps, date, deps.reconcile, {
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    const names = reportNames(date);
    await deps.reports.put(
      names.json,
      `${JSON.stringify({ summary: report.summary, complete: report.complete, ...(report.next && { next: report.next }), rows: report.rows }, null, 2)}\n`,
      'application/json',
    );
    await deps.reports.put(names.csv, toCsv(report.rows), 'text/csv; charset=utf-8; header=present');
    const result = { ...report.summary, complete: report.complete };
    if (!report.complete)
      deps.log.error('reconciliation ran out of time: the report covers part of the day', {
        ...result,
        next: report.next,
      });
    else if (report.summary.mismatched > 0)
      deps.log.error('reconciliation found orders that differ from ZaloPay', { ...result });
    else deps.log.info('reconciliation done', { ...result });
    return result;
  });
