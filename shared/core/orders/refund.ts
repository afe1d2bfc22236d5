import { ZaloPayError, ZaloPayRejectedError } from '../zalopay/errors';
import { newRefundId } from '../zalopay/ids';
import type { CredentialsProvider, QueryRefundResult, RefundResult } from '../zalopay/types';
import { ConcurrentUpdateError, failureOf } from './apply';
import type { Failure, Order, Refund, Trigger } from './model';
import { dueRefunds, type RefundRefusal, type RefundUpdate, reserveRefund, settleRefund } from './refunds';
import type { StatusCheckDeps } from './status-check';

/** What following a refund needs: the same as a status check. */
export type RefundCheckDeps = StatusCheckDeps;

/** What making a refund needs. */
export interface RefundDeps extends RefundCheckDeps {
  /** For the app id inside `m_refund_id`. */
  credentials: CredentialsProvider;
  /** How long the refund call may take: an unanswered reservation is looked at after it. */
  zalopayTimeoutMs: number;
}

/** The merchant's refund request was refused before anything was sent to ZaloPay. */
export class RefundRefusedError extends Error {
  override readonly name = 'RefundRefusedError';
  constructor(readonly refusal: RefundRefusal) {
    super(refusal.message);
  }
}

/** A validated `POST /orders/{appTransId}/refunds`. */
export interface NewRefund {
  amount: number;
  description?: string;
  /** SHA-256 of the Idempotency-Key. */
  keyHash: string;
}

export interface RefundOutcome {
  order: Order;
  refund: Refund;
  /** False when the same Idempotency-Key had already made this refund. */
  created: boolean;
}

/**
 * Writers colliding on one order: every racing refund of a busy order re-reads and tries again,
 * and each round one of them wins, so this bounds how many can race at once.
 */
const MAX_ROUNDS = 64;

/** Seconds after the refund call's timeout before an unanswered reservation is followed up. */
const RESERVATION_MARGIN_SECONDS = 60;

const plusSeconds = (at: Date, seconds: number): Date => new Date(at.getTime() + Math.round(seconds * 1000));

/**
 * Refunds part or all of a paid order (docs/http-api.md §5, docs/state-machine.md §6): reserve the
 * amount in the ledger (one conditional write: concurrent requests can never reserve more than was
 * paid), then ask ZaloPay once, then record its answer (a second conditional write). A refund
 * answered "processing", or not answered, is followed by scheduled `query_refund` checks until
 * final. Returns undefined when there is no such order; throws RefundRefusedError when the ledger
 * refuses the request.
 */
export const requestRefund = async (
  deps: RefundDeps,
  appTransId: string,
  request: NewRefund,
): Promise<RefundOutcome | undefined> => {
  const now = deps.clock();
  const { appId } = await deps.credentials();
  const facts = {
    mRefundId: newRefundId(now, appId),
    amount: request.amount,
    description: (request.description ?? `Hoàn tiền đơn hàng ${appTransId}`).normalize('NFC'),
    keyHash: request.keyHash,
    checkAt: plusSeconds(now, deps.zalopayTimeoutMs / 1000 + RESERVATION_MARGIN_SECONDS).toISOString(),
  };
  let reserved: { order: Order; refund: Refund } | undefined;
  for (let round = 0; round < MAX_ROUNDS && !reserved; round++) {
    const order = await deps.store.get(appTransId);
    if (!order) return undefined;
    const decision = reserveRefund(order, facts, now);
    if (decision.kind === 'refused') throw new RefundRefusedError(decision.refusal);
    if (decision.kind === 'existing') return { order, refund: decision.refund, created: false };
    if (await deps.store.replace(decision.order, { status: order.status, version: order.version })) {
      reserved = decision;
    }
  }
  if (!reserved)
    throw new ConcurrentUpdateError(`order ${appTransId} kept changing under ${MAX_ROUNDS} writers`);
  deps.metrics.count('RefundRequested');
  await deps.store.appendHistory(appTransId, {
    at: now.toISOString(),
    kind: 'REFUND',
    trigger: 'merchant',
    detail: { mRefundId: facts.mRefundId, amount: facts.amount, reserved: true },
    outcome: 'NO_CHANGE',
    to: reserved.order.status,
  });

  const { update, evidence } = await sendRefund(deps, reserved.order, reserved.refund);
  const settled = await recordUpdate(deps, reserved.order, facts.mRefundId, update, {
    trigger: 'merchant',
    evidence,
  });
  await deps.store.appendHistory(appTransId, {
    at: deps.clock().toISOString(),
    kind: 'REFUND',
    trigger: 'merchant',
    detail: { mRefundId: facts.mRefundId, amount: facts.amount, ...evidence },
    ...outcomeOf(reserved.order, settled.order),
  });
  await scheduleIfProcessing(deps, settled.order, settled.refund);
  return { ...settled, created: true };
};

/** Asks ZaloPay to refund; what its answer (or its silence) means for the ledger. */
const sendRefund = async (
  deps: RefundCheckDeps,
  order: Order,
  refund: Refund,
): Promise<{ update: RefundUpdate; evidence: Record<string, unknown> }> => {
  let answer: RefundResult;
  try {
    answer = await deps.zalopay.refund({
      mRefundId: refund.mRefundId,
      // A reserved refund exists only on an order with a zpTransId (reserveRefund checks it).
      zpTransId: order.zpTransId!,
      amount: refund.amount,
      description: refund.description,
    });
  } catch (error) {
    if (!(error instanceof ZaloPayError)) throw error;
    deps.metrics.count('ZaloPayError');
    if (error instanceof ZaloPayRejectedError) {
      // ZaloPay refused the request itself (MAC, rate limit, maintenance): nothing was refunded.
      const result = failureOf(error);
      return { update: { status: 'FAILED', result }, evidence: { ...result, retryable: error.retryable } };
    }
    // No answer: ZaloPay may or may not have it. query_refund will tell.
    deps.log.warn('refund outcome unknown; it will be followed up', { mRefundId: refund.mRefundId });
    return {
      update: { status: 'PROCESSING', nextCheck: firstRefundCheck(deps) },
      evidence: { unavailable: error.message },
    };
  }
  const result = resultOf(answer);
  const evidence = { ...result, refundId: answer.refundId };
  const refundId = answer.refundId !== undefined ? { refundId: answer.refundId } : {};
  switch (answer.returnCode) {
    case 1:
      return { update: { status: 'SUCCEEDED', result, ...refundId }, evidence };
    case 3:
      return {
        update: { status: 'PROCESSING', result, nextCheck: firstRefundCheck(deps), ...refundId },
        evidence,
      };
    case 2:
      // -23: ZaloPay already has this m_refund_id (only we use it): follow it, never call it failed.
      return answer.subReturnCode === -23
        ? {
            update: { status: 'PROCESSING', result, nextCheck: firstRefundCheck(deps), ...refundId },
            evidence,
          }
        : { update: { status: 'FAILED', result, ...refundId }, evidence };
  }
};

const resultOf = (answer: RefundResult | QueryRefundResult): Failure => ({
  returnCode: answer.returnCode,
  subReturnCode: answer.subReturnCode,
  subReturnMessage: answer.subReturnMessage,
});

const firstRefundCheck = (deps: RefundCheckDeps) => ({
  attempt: 1,
  at: plusSeconds(deps.clock(), deps.policy.recheckSeconds).toISOString(),
});

/** Writes `update` of one refund, re-reading on a lost race; a final refund stays as it is. */
const recordUpdate = async (
  deps: RefundCheckDeps,
  known: Order,
  mRefundId: string,
  update: RefundUpdate,
  cause: { trigger: Trigger; evidence: Record<string, unknown> },
): Promise<{ order: Order; refund: Refund; changed: boolean }> => {
  let order: Order | undefined = known;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) order = await deps.store.get(known.appTransId);
    if (!order) throw new Error(`order ${known.appTransId} vanished during a refund`);
    const decision = settleRefund(order, mRefundId, update, deps.clock(), cause);
    if (decision.kind === 'unknown') throw new Error(`refund ${mRefundId} vanished from its order`);
    if (decision.kind === 'unchanged') return { order, refund: decision.refund, changed: false };
    if (await deps.store.replace(decision.order, { status: order.status, version: order.version })) {
      countRefund(deps, decision.refund, order, decision.order);
      return { order: decision.order, refund: decision.refund, changed: true };
    }
  }
  throw new ConcurrentUpdateError(`order ${known.appTransId} kept changing under ${MAX_ROUNDS} writers`);
};

const countRefund = (deps: RefundCheckDeps, refund: Refund, before: Order, after: Order) => {
  if (refund.status === 'SUCCEEDED') deps.metrics.count('RefundSucceeded');
  if (refund.status === 'FAILED') deps.metrics.count('RefundFailed');
  if (before.status !== 'REFUNDED' && after.status === 'REFUNDED') deps.metrics.count('OrderRefunded');
};

const outcomeOf = (before: Order, after: Order) =>
  before.status === after.status
    ? { outcome: 'NO_CHANGE' as const, to: after.status }
    : { outcome: 'CHANGED' as const, from: before.status, to: after.status };

/** Schedules the refund's next query_refund; the sweeper covers a schedule that could not be made. */
const scheduleIfProcessing = async (deps: RefundCheckDeps, order: Order, refund: Refund): Promise<void> => {
  if (refund.status !== 'PROCESSING' || !refund.nextCheck) return;
  try {
    await deps.scheduler.schedule({
      appTransId: order.appTransId,
      mRefundId: refund.mRefundId,
      attempt: refund.nextCheck.attempt,
      at: new Date(refund.nextCheck.at),
    });
  } catch (error) {
    deps.log.error('could not schedule a refund check', { mRefundId: refund.mRefundId, error });
  }
};

/** Who asked for a refund check: a schedule or the sweeper (they plan the next), or the merchant. */
export type RefundCheckTrigger =
  | { kind: 'schedule'; attempt: number }
  | { kind: 'sweeper'; attempt: number }
  | { kind: 'merchant' };

/**
 * Follows one refund that is not final (docs/scheduling.md §7): `query_refund`, then record the
 * answer. Scheduled checks plan the next one (back-off as status checks) until the refund is
 * final or the last check is past; a stale delivery is a no-op. Returns the refund afterwards.
 */
export const checkRefund = async (
  deps: RefundCheckDeps,
  appTransId: string,
  mRefundId: string,
  trigger: RefundCheckTrigger,
): Promise<Refund | undefined> => {
  const order = await deps.store.get(appTransId);
  const refund = order?.refunds?.find((r) => r.mRefundId === mRefundId);
  if (!order || !refund) {
    deps.log.warn('refund check for an unknown refund', { appTransId, mRefundId });
    return undefined;
  }
  if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED') return refund;
  // A reservation before its check time may still have its refund call in flight: a query now
  // could answer "no such m_refund_id" for a refund about to be made.
  if (refund.status === 'RESERVED' && refund.nextCheck && deps.clock() < new Date(refund.nextCheck.at)) {
    return refund;
  }
  const attempt = 'attempt' in trigger ? trigger.attempt : undefined;
  if (attempt !== undefined && refund.nextCheck && attempt < refund.nextCheck.attempt) return refund;

  deps.metrics.count('RefundCheckRun');
  let answer: QueryRefundResult | undefined;
  let evidence: Record<string, unknown>;
  try {
    answer = await deps.zalopay.queryRefund(mRefundId);
    evidence = resultOf(answer);
  } catch (error) {
    if (!(error instanceof ZaloPayError)) throw error;
    deps.metrics.count('ZaloPayError');
    evidence = error instanceof ZaloPayRejectedError ? failureOf(error) : { unavailable: error.message };
  }
  const next = attempt === undefined ? refund.nextCheck : nextRefundCheck(deps, refund, attempt);
  const update = updateFromQuery(refund, answer, next);
  const settled = await recordUpdate(deps, order, mRefundId, update, { trigger: trigger.kind, evidence });
  await deps.store.appendHistory(appTransId, {
    at: deps.clock().toISOString(),
    kind: 'REFUND_QUERY',
    trigger: trigger.kind,
    detail: { mRefundId, ...evidence },
    ...outcomeOf(order, settled.order),
  });
  if (settled.refund.status === 'PROCESSING' && !settled.refund.nextCheck && attempt !== undefined) {
    deps.metrics.count('RefundUnresolved');
    deps.log.error('refund still not final when its checks end; needs a person', { appTransId, mRefundId });
  }
  if (attempt !== undefined && settled.changed)
    await scheduleIfProcessing(deps, settled.order, settled.refund);
  return settled.refund;
};

/**
 * What a query_refund answer (or none) means: 1 succeeded, 2 failed, 3 still processing. "No such
 * m_refund_id" fails only a refund ZaloPay never acknowledged (its request got no answer, so it
 * never arrived); one ZaloPay accepted is kept and followed.
 */
const updateFromQuery = (
  refund: Refund,
  answer: QueryRefundResult | undefined,
  next: { attempt: number; at: string } | undefined,
): RefundUpdate => {
  const processing: RefundUpdate = { status: 'PROCESSING', ...(next && { nextCheck: next }) };
  if (!answer) return processing;
  const result = resultOf(answer);
  switch (answer.returnCode) {
    case 1:
      return { status: 'SUCCEEDED', result };
    case 2:
      if (answer.subReturnCode === -101 && refund.refundId !== undefined) return { ...processing, result };
      return { status: 'FAILED', result };
    case 3:
      return { ...processing, result };
  }
};

/**
 * The check after `attempt`: the recheck delay doubling up to the cap, as status checks do;
 * undefined past the last check (`lastCheckAfterSeconds` after the refund was made).
 */
const nextRefundCheck = (deps: RefundCheckDeps, refund: Refund, attempt: number) => {
  const { recheckSeconds, maxRecheckSeconds, lastCheckAfterSeconds } = deps.policy;
  const now = deps.clock();
  const at = plusSeconds(now, Math.min(recheckSeconds * 2 ** Math.max(0, attempt - 1), maxRecheckSeconds));
  if (at > plusSeconds(new Date(refund.createdAt), lastCheckAfterSeconds)) return undefined;
  return { attempt: attempt + 1, at: at.toISOString() };
};

/** Runs the refund checks of one order that are due at or before `cutoff` (the sweeper). */
export const checkDueRefunds = async (
  deps: RefundCheckDeps,
  appTransId: string,
  cutoff: string,
): Promise<number> => {
  const order = await deps.store.get(appTransId);
  if (!order) return 0;
  const due = dueRefunds(order, cutoff);
  for (const refund of due) {
    await checkRefund(deps, appTransId, refund.mRefundId, {
      kind: 'sweeper',
      attempt: refund.nextCheck?.attempt ?? 0,
    });
  }
  return due.length;
};

/** Checks every refund of the order that is not final, now (the merchant's sync). */
export const syncRefunds = async (deps: RefundCheckDeps, order: Order): Promise<void> => {
  for (const refund of order.refunds ?? []) {
    if (refund.status === 'RESERVED' || refund.status === 'PROCESSING') {
      await checkRefund(deps, order.appTransId, refund.mRefundId, { kind: 'merchant' });
    }
  }
};
