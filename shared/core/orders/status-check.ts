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
    await deps.scheduler.schedule({ appTransId, ...order.nextCheck, at: new Date(order.nextCheck.at) });
    deps.metrics.count('StatusCheckScheduled');
  }
  return order;
};

/**
 * Runs the checks that are overdue by more than `graceSeconds` (their schedule was lost, throttled
 * or failed), a few at a time: orders' status checks and refunds' follow-ups (and reservations
 * whose refund call never reported back). Returns how many orders were checked.
 */
export const sweepOverdueChecks = async (
  deps: StatusCheckDeps,
  options: { limit: number; graceSeconds: number; concurrency: number },
): Promise<number> => {
  const cutoff = new Date(deps.clock().getTime() - options.graceSeconds * 1000).toISOString();
  const due = await deps.store.listDueChecks(cutoff, options.limit);
  let next = 0;
  const worker = async () => {
    for (let check = due[next++]; check; check = due[next++]) {
      try {
        if (check.kind === 'refunds') await checkDueRefunds(deps, check.appTransId, cutoff);
        else await checkStatus(deps, check.appTransId, { kind: 'sweeper', attempt: check.attempt });
      } catch (error) {
        deps.log.error('sweeper check failed', { appTransId: check.appTransId, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, worker));
  deps.metrics.count('SweptOrders', due.length);
  return due.length;
};
