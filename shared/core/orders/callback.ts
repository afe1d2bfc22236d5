import * as z from 'zod/mini';
import type { Clock } from '../clock';
import type { Log, Metrics } from '../observability';
import type { OrderStore } from '../ports/store';
import { described } from '../schemas';
import { verifyCallback } from '../zalopay/callback';
import type { CallbackData, CredentialsProvider } from '../zalopay/types';
import { type Applied, applyEvent, countSettlement, outcomeOf } from './apply';
import type { Order } from './model';

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

/**
 * Handles a ZaloPay callback body (docs/http-api.md): verify the MAC over the raw `data` string before
 * anything else, then apply the payment to the order. A forged, malformed, foreign or non-order
 * callback changes nothing (-1). A payment for an order we do not know is kept as an orphan in
 * REVIEW, because the money was taken. Errors propagate: the caller answers 0 so ZaloPay retries.
 */
export const handleCallback = async (deps: CallbackDeps, body: unknown): Promise<CallbackAnswer> => {
  const verification = verifyCallback(body, await deps.credentials());
  if (!verification.ok) {
    deps.metrics.count('CallbackRejected');
    deps.log.warn('callback refused', { reason: verification.reason });
    return { return_code: -1, return_message: `refused: ${verification.reason}` };
  }
  const data = verification.data;
  const applied = await applyPayment(deps, data);
  await deps.store.appendHistory(data.appTransId, {
    at: deps.clock().toISOString(),
    kind: 'CALLBACK',
    trigger: 'callback',
    // The verified payload itself: proof of what ZaloPay said, for reconciliation and disputes.
    detail: {
      data: (body as { data: string }).data,
      mac: (body as { mac: string }).mac,
      amount: data.amount,
      zpTransId: data.zpTransId,
      serverTime: data.serverTime,
      channel: data.channel,
    },
    ...outcomeOf(applied),
  });

  const log = { appTransId: data.appTransId, zpTransId: data.zpTransId };
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

const applyPayment = async (deps: CallbackDeps, data: CallbackData): Promise<Applied> => {
  const paid = {
    type: 'PAID',
    via: 'callback',
    amount: data.amount,
    zpTransId: data.zpTransId,
    paidAt: new Date(data.serverTime).toISOString(),
  } as const;
  const applied = await applyEvent(deps, data.appTransId, paid);
  if (applied.outcome !== 'NOT_FOUND') return applied;

  const orphan = orphanOrder(data, deps.clock());
  deps.log.error('payment for an unknown order kept for review', { appTransId: data.appTransId });
  if (await deps.store.create(orphan)) return { outcome: 'CREATED', order: orphan };
  // Someone stored it meanwhile (a concurrent delivery of the same callback): apply to theirs.
  return applyEvent(deps, data.appTransId, paid);
};

/** The record of money received for an order we never stored. */
const orphanOrder = (data: CallbackData, now: Date): Order => ({
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
});
