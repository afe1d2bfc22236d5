import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Clock } from '../clock';
import type { Log, Metrics } from '../observability';
import type { OrderStore } from '../ports/store';
import { described } from '../schemas';
import { type UnreadableCallback, verifyCallback } from '../zalopay/callback';
import type { CallbackData, CredentialsProvider } from '../zalopay/types';
import { type Applied, applyEvent, countSettlement, outcomeOf } from './apply';
import type { Cause, Order } from './model';

export interface CallbackDeps {
  store: OrderStore;
  credentials: CredentialsProvider;
  clock: Clock;
  log: Log;
  metrics: Metrics;
}

/** What we answer ZaloPay, always with HTTP 200 (docs/http-api.md §4). */
export const callbackAnswerSchema = described(
  z.strictObject({
    return_code: described(z.literal([1, 2, 0, -1]), {
      description:
        '1 processed; 2 already processed; -1 refused (bad MAC, malformed, another app_id or type), ' +
        'nothing changed and ZaloPay does not call again; 0 our failure, nothing changed, ZaloPay retries.',
    }),
    return_message: described(z.string(), {
      description: '`success`, `already processed`, `refused: <reason>` or `internal error, please retry`.',
      examples: ['success', 'refused: bad-mac'],
    }),
  }),
  { description: "Our answer to ZaloPay's callback, in ZaloPay's format." },
);

/** What we answer ZaloPay. */
export type CallbackAnswer = z.output<typeof callbackAnswerSchema>;

/** The callback body as ZaloPay sent it, once its MAC is verified: the proof we keep. */
interface Signed {
  data: string;
  mac: string;
}

/**
 * Handles a ZaloPay callback body (docs/http-api.md): verify the MAC over the raw `data` string before
 * anything else, then apply the payment to the order. A forged, malformed, foreign or non-order
 * callback changes nothing (-1). A payment for an order we do not know is kept as an orphan in
 * REVIEW, because the money was taken; so is a signed callback we cannot read, on its order or as
 * an orphan, answered 1 (then 2) so that ZaloPay does not retry what can never succeed. Errors
 * propagate: the caller answers 0 so ZaloPay retries.
 */
export const handleCallback = async (deps: CallbackDeps, body: unknown): Promise<CallbackAnswer> => {
  const verification = verifyCallback(body, await deps.credentials());
  if (!verification.ok && verification.reason !== 'unreadable') {
    deps.metrics.count('CallbackRejected');
    deps.log.warn('callback refused', { reason: verification.reason });
    return { return_code: -1, return_message: `refused: ${verification.reason}` };
  }
  const { data: raw, mac } = body as Signed;
  if (!verification.ok) return fileUnreadable(deps, { data: raw, mac }, verification.unreadable);

  const data = verification.data;
  // The verified payload itself: proof of what ZaloPay said, for reconciliation and disputes.
  const evidence = {
    data: raw,
    mac,
    amount: data.amount,
    zpTransId: data.zpTransId,
    serverTime: data.serverTime,
    channel: data.channel,
  };
  const applied = await applyPayment(deps, data, { trigger: 'callback', evidence });
  await deps.store.appendHistory(data.appTransId, {
    at: deps.clock().toISOString(),
    kind: 'CALLBACK',
    trigger: 'callback',
    detail: evidence,
    ...outcomeOf(applied),
  });

  const log = { appTransId: data.appTransId, zpTransId: data.zpTransId, trigger: 'callback' };
  if (applied.outcome === 'CHANGED' || applied.outcome === 'CREATED') {
    deps.metrics.count('CallbackAccepted');
    countSettlement(deps, applied.order);
    deps.log.info('callback applied', { ...log, ...outcomeOf(applied) });
    return { return_code: 1, return_message: 'success' };
  }
  deps.metrics.count('CallbackDuplicate');
  if (
    applied.outcome !== 'NOT_FOUND' &&
    applied.order.zpTransId &&
    applied.order.zpTransId !== data.zpTransId
  ) {
    // A second transaction for one order: never expected from ZaloPay, and money may be involved.
    deps.log.error('callback carries another zp_trans_id than the recorded payment', {
      ...log,
      recorded: applied.order.zpTransId,
    });
  }
  return { return_code: 2, return_message: 'already processed' };
};

const applyPayment = async (deps: CallbackDeps, data: CallbackData, cause: Cause): Promise<Applied> => {
  const paid = {
    type: 'PAID',
    via: 'callback',
    amount: data.amount,
    zpTransId: data.zpTransId,
    paidAt: new Date(data.serverTime).toISOString(),
    cause,
  } as const;
  const applied = await applyEvent(deps, data.appTransId, paid);
  if (applied.outcome !== 'NOT_FOUND') return applied;

  const orphan = orphanOrder(data, deps.clock(), cause);
  deps.log.error('payment for an unknown order kept for review', { appTransId: data.appTransId });
  if (await deps.store.create(orphan)) return { outcome: 'CREATED', order: orphan };
  // Someone stored it meanwhile (a concurrent delivery of the same callback): apply to theirs.
  return applyEvent(deps, data.appTransId, paid);
};

/**
 * A signed callback we cannot read: it goes to REVIEW on its order when `app_trans_id` names one
 * we hold (unless that order is already paid or in review), else to an orphan record, with the raw
 * `data` and `mac` in the change's record and the history. Answered 1 the first time and 2 after,
 * never 0: a retry would carry the same unreadable data forever.
 */
const fileUnreadable = async (
  deps: CallbackDeps,
  signed: Signed,
  unreadable: UnreadableCallback,
): Promise<CallbackAnswer> => {
  // An id we can address, else one derived from the data, so ZaloPay's retries find the same record.
  const appTransId = unreadable.appTransId ?? unreadableId(signed.data);
  const cause: Cause = { trigger: 'callback', evidence: { ...signed, problem: unreadable.problem } };
  let applied = await applyEvent(deps, appTransId, { type: 'CALLBACK_UNREADABLE', cause });
  if (applied.outcome === 'NOT_FOUND') {
    const orphan = unreadableOrphan(appTransId, unreadable, deps.clock(), cause);
    applied = (await deps.store.create(orphan))
      ? { outcome: 'CREATED', order: orphan }
      : await applyEvent(deps, appTransId, { type: 'CALLBACK_UNREADABLE', cause });
  }
  await deps.store.appendHistory(appTransId, {
    at: deps.clock().toISOString(),
    kind: 'CALLBACK',
    trigger: 'callback',
    detail: cause.evidence,
    ...outcomeOf(applied),
  });
  const filed = applied.outcome === 'CHANGED' || applied.outcome === 'CREATED';
  deps.metrics.count(filed ? 'CallbackAccepted' : 'CallbackDuplicate');
  if (filed) countSettlement(deps, (applied as { order: Order }).order);
  deps.log.error('signed callback we cannot read kept for review', {
    appTransId,
    trigger: 'callback',
    problem: unreadable.problem,
    ...outcomeOf(applied),
  });
  return filed
    ? { return_code: 1, return_message: 'success' }
    : { return_code: 2, return_message: 'already processed' };
};

/** The record's id for unreadable data without a usable `app_trans_id`: stable per `data`. */
const unreadableId = (data: string): string =>
  `unreadable_${createHash('sha256').update(data, 'utf8').digest('hex').slice(0, 24)}`;

/** The record of money received for an order we never stored. */
const orphanOrder = (data: CallbackData, now: Date, cause: Cause): Order => ({
  appTransId: data.appTransId,
  status: 'REVIEW',
  version: 1,
  amount: data.amount,
  description: '',
  appUser: data.appUser,
  items: [],
  bankCode: '',
  expireDurationSeconds: 0,
  createdAt: new Date(data.appTime).toISOString(),
  updatedAt: now.toISOString(),
  expiresAt: new Date(data.appTime).toISOString(),
  zpTransId: data.zpTransId,
  paidAmount: data.amount,
  paidAt: new Date(data.serverTime).toISOString(),
  settledBy: 'callback',
  review: { reason: 'ORPHAN_PAYMENT' },
  refundedAmount: 0,
  transitions: [{ at: now.toISOString(), to: 'REVIEW', review: 'ORPHAN_PAYMENT', ...cause }],
});

/** The record of a signed callback we cannot read and hold no order for. */
const unreadableOrphan = (appTransId: string, u: UnreadableCallback, now: Date, cause: Cause): Order => ({
  appTransId,
  status: 'REVIEW',
  version: 1,
  amount: u.amount ?? 0,
  description: '',
  appUser: '',
  items: [],
  bankCode: '',
  expireDurationSeconds: 0,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  expiresAt: now.toISOString(),
  ...(u.zpTransId && { zpTransId: u.zpTransId }),
  ...(u.amount !== undefined && { paidAmount: u.amount }),
  review: { reason: 'UNREADABLE_CALLBACK' },
  refundedAmount: 0,
  transitions: [{ at: now.toISOString(), to: 'REVIEW', review: 'UNREADABLE_CALLBACK', ...cause }],
});
