/**
 * What the core needs from logging and metrics. Powertools' Logger satisfies `Log` as is; the
 * composition roots adapt Powertools' Metrics to `Metrics`. Tests pass silent ones.
 */
export interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Business metrics the alarms and the dashboard are built on. */
export type MetricName =
  | 'OrderCreated'
  | 'OrderCreateRejected'
  | 'OrderCreateUnknown'
  | 'OrderPaid'
  | 'OrderReview'
  | 'OrderExpired'
  | 'OrderFailed'
  | 'CallbackAccepted'
  | 'CallbackDuplicate'
  | 'CallbackRejected'
  | 'CallbackFailed'
  | 'StatusCheckRun'
  | 'StatusCheckScheduled'
  | 'SweptOrders'
  | 'ZaloPayError'
  | 'OrderCancelled'
  | 'RefundRequested'
  | 'RefundSucceeded'
  | 'RefundFailed'
  | 'RefundCheckRun'
  | 'RefundUnresolved'
  | 'OrderRefunded';

export interface Metrics {
  count(name: MetricName, value?: number): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const noMetrics: Metrics = { count() {} };
