import type { AppConfig } from '../config';
import type { QueryOrderResult } from '../zalopay/types';
import type { Order, Trigger } from './model';
import type { OrderEvent } from './transitions';

/** When status checks run (docs/scheduling.md). Seconds may be fractional so tests run in milliseconds. */
export interface CheckPolicy {
  /** First check after creation: 1200, the guide's 20 minutes. */
  firstCheckDelaySeconds: number;
  /** First follow-up delay, doubled each time. */
  recheckSeconds: number;
  /** Cap of the doubling. */
  maxRecheckSeconds: number;
  /** How long after `expiresAt` an unpaid, unprocessed order is called EXPIRED. */
  expiryGraceSeconds: number;
  /** No check is scheduled later than this after creation; ZaloPay's query stops at 48 h. */
  lastCheckAfterSeconds: number;
}

export const DEFAULT_CHECK_POLICY: CheckPolicy = {
  firstCheckDelaySeconds: 1200,
  recheckSeconds: 60,
  maxRecheckSeconds: 3600,
  expiryGraceSeconds: 300,
  lastCheckAfterSeconds: 47 * 3600,
};

/** The policy a deployment's configuration asks for. */
export const checkPolicyOf = (
  config: Pick<AppConfig, 'statusCheckDelaySeconds' | 'statusRecheckSeconds' | 'expiryGraceSeconds'>,
): CheckPolicy => ({
  ...DEFAULT_CHECK_POLICY,
  firstCheckDelaySeconds: config.statusCheckDelaySeconds,
  recheckSeconds: config.statusRecheckSeconds,
  expiryGraceSeconds: config.expiryGraceSeconds,
});

const plusSeconds = (iso: string | Date, seconds: number): Date =>
  new Date(new Date(iso).getTime() + Math.round(seconds * 1000));

/** When the first status check of a new order is due. */
export const firstCheckAt = (createdAt: Date, policy: CheckPolicy): Date =>
  plusSeconds(createdAt, policy.firstCheckDelaySeconds);

/** The moment an unpaid order may be declared EXPIRED: expiry plus grace. */
const expiryDeadline = (order: Order, policy: CheckPolicy): Date =>
  plusSeconds(order.expiresAt, policy.expiryGraceSeconds);

/** What a query answer says, as the evidence of the change it causes and of its history entry. */
export const queryEvidence = (answer: QueryOrderResult): Record<string, unknown> => ({
  returnCode: answer.returnCode,
  subReturnCode: answer.subReturnCode,
  subReturnMessage: answer.subReturnMessage,
  isProcessing: answer.isProcessing,
  amount: answer.amount,
  zpTransId: answer.zpTransId,
  serverTime: answer.serverTime,
});

/** `ms` as an ISO time, or `fallback` when it is absent or no representable time. */
const isoOr = (ms: number | undefined, fallback: Date): string => {
  const time = ms === undefined ? Number.NaN : new Date(ms).getTime();
  return Number.isNaN(time) ? fallback.toISOString() : new Date(time).toISOString();
};

/**
 * What a query answer means for an unsettled order (docs/state-machine.md), or undefined when it changes
 * nothing and a follow-up check is needed. `trigger` is who asked for the query.
 */
export const eventFromQuery = (
  order: Order,
  answer: QueryOrderResult,
  now: Date,
  policy: CheckPolicy,
  trigger: Trigger,
): OrderEvent | undefined => {
  const cause = { trigger, evidence: queryEvidence(answer) };
  switch (answer.returnCode) {
    case 1:
      return {
        type: 'PAID',
        via: 'query',
        // ZaloPay documents `amount` on success; without it the amount cannot be confirmed.
        amount: answer.amount ?? -1,
        zpTransId: answer.zpTransId,
        // An absent or absurd server_time must not stop the payment from being recorded.
        paidAt: isoOr(answer.serverTime, now),
        cause,
      };
    case 2:
      return {
        type: 'QUERY_FAILED',
        failure: {
          returnCode: 2,
          subReturnCode: answer.subReturnCode,
          subReturnMessage: answer.subReturnMessage,
        },
        cause,
      };
    case 3:
      return !answer.isProcessing && now >= expiryDeadline(order, policy)
        ? {
            type: 'EXPIRED',
            cause: {
              trigger,
              evidence: { ...cause.evidence, expiredAfter: expiryDeadline(order, policy).toISOString() },
            },
          }
        : undefined;
  }
};

/**
 * The check after `attempt` for an order still unsettled at `now`: the recheck delay doubling per
 * attempt up to the cap, brought forward to the expiry deadline when that comes first (so an
 * abandoned order closes promptly). Undefined when it would fall past the last allowed check:
 * the order then goes to REVIEW.
 */
export const nextCheck = (
  order: Order,
  attempt: number,
  now: Date,
  policy: CheckPolicy,
): { attempt: number; at: string } | undefined => {
  const backoff = Math.min(policy.recheckSeconds * 2 ** Math.max(0, attempt - 1), policy.maxRecheckSeconds);
  let at = plusSeconds(now, backoff);
  const deadline = expiryDeadline(order, policy);
  if (now < deadline && deadline < at) at = deadline;
  if (at > plusSeconds(order.createdAt, policy.lastCheckAfterSeconds)) return undefined;
  return { attempt: attempt + 1, at: at.toISOString() };
};
