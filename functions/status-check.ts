import middy from '@middy/core';
import * as z from 'zod/mini';
import { checkStatus, type StatusCheckDeps } from '../shared/core/orders/status-check';
import { APP_TRANS_ID_PATTERN } from '../shared/core/zalopay/ids';

export type Deps = StatusCheckDeps;

const payload = z.object({
  appTransId: z.string().check(z.regex(APP_TRANS_ID_PATTERN)),
  attempt: z.int().check(z.positive()),
});

/**
 * The status check EventBridge Scheduler (or the local scheduler) invokes with
 * `{appTransId, attempt}`. Errors propagate on purpose: Lambda's asynchronous retries run the
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
    const { appTransId, attempt } = parsed.data;
    await checkStatus(deps, appTransId, { kind: 'schedule', attempt });
  });
