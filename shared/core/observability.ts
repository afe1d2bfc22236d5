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
  /** A status check's schedule could not be created: the sweeper is all that runs it now. */
  | 'StatusCheckScheduleFailed'
  /** Overdue checks the sweeper found and ran: normally none, each one a schedule that was lost. */
  | 'SweptOrders'
  | 'ZaloPayError'
  | 'OrderCancelled'
  | 'RefundRequested'
  | 'RefundSucceeded'
  | 'RefundFailed'
  | 'RefundCheckRun'
  | 'RefundUnresolved'
  | 'OrderRefunded'
  /** An order event handed to every consumer (docs/events.md). */
  | 'OrderEventPublished'
  /** A consumer of an order event failed; the change feed retries the event. */
  | 'OrderEventFailed'
  | 'WebhookDelivered'
  /** One webhook attempt failed; another follows unless the retry window is over. */
  | 'WebhookFailed'
  | 'WebhookDeadLettered'
  /** Orders a reconciliation run compared with ZaloPay (docs/reconciliation.md). */
  | 'ReconciledOrders'
  /** Orders whose amount, paid status or refunds differ from ZaloPay's: each one for a person. */
  | 'ReconciliationMismatches'
  /** Orders whose ZaloPay side a reconciliation run could not learn. */
  | 'ReconciliationUnresolved'
  /** The buyer push's API key was renewed (its alarm fires when this stops). */
  | 'EventsKeyRenewed';

export interface Metrics {
  count(name: MetricName, value?: number): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const noMetrics: Metrics = { count() {} };
