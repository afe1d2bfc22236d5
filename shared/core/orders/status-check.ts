import type { Clock } from '../clock';
import type { Log, Metrics } from '../observability';
import type { StatusCheckScheduler } from '../ports/scheduler';
import type { OrderStore } from '../ports/store';
import { ZaloPayError, ZaloPayRejectedError } from '../zalopay/errors';
import type { QueryOrderResult, ZaloPayGateway } from '../zalopay/types';
import { type Applied, applyEvent, countSettlement, failureOf, outcomeOf } from './apply';
import { type CheckPolicy, eventFromQuery, nextCheck, queryEvidence } from './checks';
import { needsChecks, type Order } from './model';
import { checkDueRefunds } from './refund';

export interface StatusCheckDeps {
  store: OrderStore;
  zalopay: ZaloPayGateway;
  scheduler: StatusCheckScheduler;
  clock: Clock;
  policy: CheckPolicy;
  log: Log;
  metrics: Metrics;
}

/**
 * Who asked for the check. Scheduled checks (`schedule`, `sweeper`) carry an attempt number and
 * arrange the next one; on-demand checks (`redirect`, `merchant`) only query and apply, leaving
 * the schedule as it is.
 */
export type CheckTrigger =
  | { kind: 'schedule'; attempt: number }
  | { kind: 'sweeper'; attempt: number }
  | { kind: 'redirect' }
  | { kind: 'merchant' };

/**
 * Queries ZaloPay for an order and applies the answer (docs/state-machine.md and docs/scheduling.md). A check on a settled
 * order, or a stale delivery of an attempt already superseded, is a no-op. Returns the order as it
 * stands afterwards, or undefined when there is no such order.
 */
export const checkStatus = async (
  deps: StatusCheckDeps,
  appTransId: string,
  trigger: CheckTrigger,
): Promise<Order | undefined> => {
  const order = await deps.store.get(appTransId);
  if (!order) {
    deps.log.warn('status check for an unknown order', { appTransId, trigger: trigger.kind });
    return undefined;
  }
  if (!needsChecks(order)) return order;
  const attempt = 'attempt' in trigger ? trigger.attempt : undefined;
  if (attempt !== undefined && order.nextCheck && attempt < order.nextCheck.attempt) return order;

  deps.metrics.count('StatusCheckRun');
  const answer = await query(deps, appTransId, trigger);
  let applied: Applied | undefined;
  if (answer) {
    const now = deps.clock();
    applied = await applyEvent(
      deps,
      appTransId,
      (o) => eventFromQuery(o, answer, now, deps.policy, trigger.kind),
      order,
    );
    await deps.store.appendHistory(appTransId, {
      at: now.toISOString(),
      kind: 'QUERY',
      trigger: trigger.kind,
      detail: queryEvidence(answer),
      ...outcomeOf(applied),
    });
    if (applied.outcome === 'CHANGED') {
      countSettlement(deps, applied.order);
      deps.log.info('status check settled the order', {
        appTransId,
        trigger: trigger.kind,
        ...outcomeOf(applied),
      });
      return applied.order;
    }
  }
  const current = applied && applied.outcome !== 'NOT_FOUND' ? applied.order : order;
  if (attempt === undefined || !needsChecks(current)) return current;
  return scheduleFollowUp(deps, current, attempt, trigger.kind);
};

/** Asks ZaloPay; a refusal or no answer is recorded and treated as "no news" (a follow-up runs). */
const query = async (
  deps: StatusCheckDeps,
  appTransId: string,
  trigger: CheckTrigger,
): Promise<QueryOrderResult | undefined> => {
  try {
    return await deps.zalopay.queryOrder(appTransId);
  } catch (error) {
    if (!(error instanceof ZaloPayError)) throw error;
    deps.metrics.count('ZaloPayError');
    deps.log.warn('status query failed', { appTransId, error: error.message });
    await deps.store.appendHistory(appTransId, {
      at: deps.clock().toISOString(),
      kind: 'QUERY',
      trigger: trigger.kind,
      detail: error instanceof ZaloPayRejectedError ? failureOf(error) : { unavailable: error.message },
      outcome: 'NO_CHANGE',
    });
    return undefined;
  }
};

/** Records and schedules the next check after `attempt`, or sends the order to REVIEW when time is up. */
const scheduleFollowUp = async (
  deps: StatusCheckDeps,
  current: Order,
  attempt: number,
  trigger: CheckTrigger['kind'],
): Promise<Order> => {
  const { appTransId } = current;
  const now = deps.clock();
  const applied = await applyEvent(
    deps,
    appTransId,
    (o) => {
      // A concurrent delivery of this attempt already arranged the next one.
      if (o.nextCheck && o.nextCheck.attempt > attempt) return undefined;
      const next = nextCheck(o, attempt, now, deps.policy);
      if (next) return { type: 'CHECK_SCHEDULED', next };
      const evidence = { attempt, lastCheckAfterSeconds: deps.policy.lastCheckAfterSeconds };
      return { type: 'UNRESOLVED', cause: { trigger, evidence } };
    },
    current,
  );
  if (applied.outcome !== 'CHANGED') {
    if (applied.outcome === 'NOT_FOUND')
      throw new Error(`order ${appTransId} vanished during a status check`);
    return applied.order;
  }
  const order = applied.order;
  if (order.status === 'REVIEW') {
    countSettlement(deps, order);
    deps.log.error('order unresolved when the query window closes; needs review', { appTransId, trigger });
  } else if (order.nextCheck) {
    try {
      await deps.scheduler.schedule({ appTransId, ...order.nextCheck, at: new Date(order.nextCheck.at) });
      deps.metrics.count('StatusCheckScheduled');
    } catch (error) {
      // The next check is recorded on the order, so the sweeper runs it once overdue. Failing the
      // check would gain nothing: its retries find their attempt superseded and do nothing.
      deps.metrics.count('StatusCheckScheduleFailed');
      deps.log.error('could not schedule the next status check', { appTransId, ...order.nextCheck, error });
    }
  }
  return order;
};

/** How the sweeper works through overdue checks (docs/scheduling.md §4). */
export interface SweepOptions {
  /** Only checks overdue by more than this run: schedules that are merely on time are not raced. */
  graceSeconds: number;
  /** Checks running at once. */
  concurrency: number;
  /** Due checks read per page. */
  pageSize: number;
  /**
   * No check starts, and no page is read, with less time left than this: the longest one check
   * may take, so the run ends with every check it started finished.
   */
  reserveMs: number;
}

/** What one sweep did. */
export interface SweepResult {
  /** Overdue checks found and run, failed ones included. */
  checked: number;
  /** Checks that failed (logged; a later sweep runs them again). */
  failed: number;
  /** The sweep ran out of time with overdue checks possibly left: the next run carries on. */
  stoppedForTime: boolean;
}

/**
 * Runs every check overdue by more than `graceSeconds` when the sweep starts (its schedule was
 * lost, throttled or never created): orders' status checks and refunds' follow-ups (and
 * reservations whose refund call never reported back), page after page, `concurrency` at a time,
 * until none is left or `remainingMs()` falls to `reserveMs`. Reading goes on past each page, so a
 * check that fails, or an entry that needs no check, is met once per sweep and never holds it up.
 */
export const sweepOverdueChecks = async (
  deps: StatusCheckDeps,
  options: SweepOptions,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<SweepResult> => {
  const cutoff = new Date(deps.clock().getTime() - options.graceSeconds * 1000).toISOString();
  const result: SweepResult = { checked: 0, failed: 0, stoppedForTime: false };
  const timeLeft = () => {
    if (remainingMs() > options.reserveMs) return true;
    result.stoppedForTime = true;
    return false;
  };
  async function* overdue() {
    let after: string | undefined;
    do {
      if (!timeLeft()) return;
      const page = await deps.store.listDueChecks(cutoff, options.pageSize, after);
      yield* page.checks;
      after = page.next;
    } while (after !== undefined);
  }
  // An async generator hands its items out one at a time, however many workers ask at once.
  const checks = overdue();
  const worker = async () => {
    for (let next = await checks.next(); !next.done && timeLeft(); next = await checks.next()) {
      const check = next.value;
      result.checked++;
      try {
        if (check.kind === 'refunds') await checkDueRefunds(deps, check.appTransId, cutoff);
        else await checkStatus(deps, check.appTransId, { kind: 'sweeper', attempt: check.attempt });
      } catch (error) {
        result.failed++;
        deps.log.error('sweeper check failed', { appTransId: check.appTransId, error });
      }
    }
  };
  const workers = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  deps.metrics.count('SweptOrders', result.checked);
  // Only reading the index can fail here (each check's failure is caught): the run itself failed.
  const failure = workers.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failure) throw failure.reason;
  return result;
};
