/**
 * The AWS-only settings: the variables the CDK stack (infra/) gives each function and the Lambda
 * composition roots (functions/aws/) read, named once here so the two cannot drift apart. Each
 * function gets only the groups it uses; the app settings of `loadConfig` come on top.
 */
export const AWS_ENV = {
  /** The single table of `schema.ts`. */
  tableName: 'TABLE_NAME',
  /** ARN of the Secrets Manager secret holding the app secret (`AppSecret` of ./settings.ts). */
  secretArn: 'ZALOPAY_SECRET_ARN',
  /** How long a read secret is reused before it is fetched again (rotation pick-up time). */
  secretMaxAgeSeconds: 'ZALOPAY_SECRET_MAX_AGE_SECONDS',
  scheduleGroup: 'STATUS_CHECK_SCHEDULE_GROUP',
  /** Unset in status-check itself, which cannot name its own ARN (see functions/aws/scheduler.ts). */
  statusCheckArn: 'STATUS_CHECK_FUNCTION_ARN',
  schedulerRoleArn: 'STATUS_CHECK_SCHEDULER_ROLE_ARN',
  deadLetterArn: 'STATUS_CHECK_DLQ_ARN',
  /** AppSync Events' HTTP publish endpoint, `https://<http domain>/event` (order-events). */
  eventsEndpoint: 'EVENTS_HTTP_ENDPOINT',
  /** The bus order events are put on, by name or ARN (order-events). */
  eventBus: 'EVENT_BUS',
  /** The merchant webhook's delivery queue (order-events enqueues, webhook-delivery consumes). */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookDeadLetterQueueUrl: 'WEBHOOK_DLQ_URL',
  /** The merchant's receiver, from the `webhookUrl` context (webhook-delivery). */
  webhookUrl: 'WEBHOOK_URL',
  /** The Event API and the id of the key the pages subscribe with (events-key-renewer). */
  eventsApiId: 'EVENTS_API_ID',
  eventsApiKeyId: 'EVENTS_API_KEY_ID',
  /** What the pages subscribe with: AppSync Events' real-time URL, HTTP domain and API key (pages). */
  eventsRealtimeUrl: 'EVENTS_REALTIME_URL',
  eventsHost: 'EVENTS_HTTP_HOST',
  eventsApiKey: 'EVENTS_API_KEY',
  /** The bucket the daily reconciliation writes its reports to (reconcile). */
  reportsBucket: 'RECONCILIATION_BUCKET',
} as const;
