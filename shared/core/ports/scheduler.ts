/** The payload a status check receives, from EventBridge Scheduler or the in-process scheduler. */
export interface StatusCheckRequest {
  appTransId: string;
  attempt: number;
  /** Set for the follow-up of one refund (`query_refund`) rather than of the order's payment. */
  mRefundId?: string;
}

export interface ScheduledCheck extends StatusCheckRequest {
  at: Date;
}

/** Arranges for a status check to run at a given time, at most once per (order, attempt). */
export interface StatusCheckScheduler {
  /** Schedules the check; scheduling the same (order, attempt) twice is a no-op. */
  schedule(check: ScheduledCheck): Promise<void>;
}

/** The deterministic schedule name for one attempt on one order, so a retry never creates two. */
export const scheduleName = (check: StatusCheckRequest): string =>
  check.mRefundId === undefined
    ? `zp-${check.appTransId}-${check.attempt}`
    : `zpr-${check.mRefundId}-${check.attempt}`;
