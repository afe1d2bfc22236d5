import middy from '@middy/core';
import * as z from 'zod/mini';
import { checkRefund } from '../shared/core/orders/refund';
import { checkStatus, type StatusCheckDeps } from '../shared/core/orders/status-check';
import { APP_TRANS_ID_PATTERN } from '../shared/core/zalopay/ids';

export type Deps = StatusCheckDeps;

const payload = z.object({
  appTransId: z.string().check(z.regex(APP_TRANS_ID_PATTERN)),
  attempt: z.int().check(z.positive()),
  /** Present for a refund's follow-up (`query_refund`). */
  mRefundId: z.optional(z.string().check(z.regex(/^\d{6}_\d+_[0-9A-Za-z]{1,38}$/))),
});

/**
 * The status check EventBridge Scheduler (or the local scheduler) invokes with
 * `{appTransId, attempt}`, or a refund's follow-up with `{appTransId, attempt, mRefundId}`. Errors propagate on purpose: Lambda's asynchronous retries run the
 * check again, then the on-failure destination keeps the event for an operator.
 */
export const makeHandler = (deps: Deps) =>
  middy<unknown, void>().handler(async (event) => {
    const parsed = payload.safeParse(event);
    if (!parsed.success) {
      // Retrying a payload that can never be valid only fills the failure queue.
      deps.log.error('status check with an invalid payload ignored', { issues: parsed.error.issues.length });
      return;
    }
    const { appTransId, attempt, mRefundId } = parsed.data;
    if (mRefundId === undefined) await checkStatus(deps, appTransId, { kind: 'schedule', attempt });
    else await checkRefund(deps, appTransId, mRefundId, { kind: 'schedule', attempt });
  });
