import { Duration, Expiration, Stack, Validations } from 'aws-cdk-lib';
import {
  AppSyncAuthorizationType,
  AppSyncEventResource,
  type CfnApiKey,
  Code,
  EventApi,
} from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KEY_VALIDITY_DAYS } from '../../functions/events-key-renewer';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/schema';
import { attemptsWithin, DEFAULT_WEBHOOK_RETRY } from '../../shared/core/webhooks';
import type { AppFunction } from './app-function';

/** The namespace of the buyer push; one channel per order under it (docs/events.md §5). */
export const PUSH_NAMESPACE = 'orders';

/** The stream's event source mapping; the local change feed (local/events/stream.ts) mirrors it. */
export const STREAM_MAPPING = {
  batchSize: 10,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(24),
} as const;

/**
 * The namespace's subscribe handler (APPSYNC_JS): exactly one order's channel, never a wildcard
 * (`/orders/*`) nor anything that is not an id we issue (`yymmdd-` and base62, docs/events.md §5).
 */
export const ON_SUBSCRIBE = `import { util } from '@aws-appsync/utils';

export function onSubscribe(ctx) {
  const segments = ctx.info.channel.segments;
  const path = ctx.info.channel.path;
  if (path.includes('*') || segments.length !== 2 || !/^[0-9]{6}-[0-9A-Za-z]{1,57}$/.test(segments[1])) {
    util.unauthorized();
  }
}
`;

const queue = (
  scope: Construct,
  id: string,
  props: Pick<QueueProps, 'visibilityTimeout' | 'deadLetterQueue'> = {},
) =>
  new Queue(scope, id, {
    enforceSSL: true,
    encryption: QueueEncryption.SQS_MANAGED,
    // As long as SQS keeps anything: an operator has two weeks to look and replay.
    retentionPeriod: Duration.days(14),
    ...props,
  });

const deadLetterQueue = (scope: Construct, id: string, purpose: string) => {
  const dlq = queue(scope, id);
  Validations.of(dlq).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue: ${purpose}.`,
  });
  return dlq;
};

/** Props of {@link OrderEvents}. */
export interface OrderEventsProps {
  /** An existing bus (the `eventBusArn` context); undefined: one is created. */
  eventBusArn: string | undefined;
}

/**
 * The consumers of docs/events.md: the Event API the pages subscribe to (namespace `orders`,
 * API-key subscribe through a handler that refuses wildcards, IAM publish), the EventBridge bus,
 * the change feed's on-failure queue, and, with a webhook, its delivery queue and dead letters.
 * The `bind*`/`feed*` helpers grant and configure each function together.
 */
export class OrderEvents extends Construct {
  readonly api: EventApi;
  /** The key the pages subscribe with; events-key-renewer moves its expiry. */
  readonly apiKey: CfnApiKey;
  readonly bus: IEventBus;
  /** Stream records order-events could not handle after its retries (the mapping's on-failure destination). */
  readonly streamFailures: Queue;
  /** Set by {@link deliverWebhooksWith}. */
  webhookQueue: Queue | undefined;
  webhookDeadLetters: Queue | undefined;

  constructor(scope: Construct, id: string, props: OrderEventsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.api = new EventApi(this, 'Api', {
      apiName: `${stack.stackName}-order-events`,
      authorizationConfig: {
        authProviders: [
          {
            authorizationType: AppSyncAuthorizationType.API_KEY,
            apiKeyConfig: {
              name: 'pages',
              description: 'The buyer pages subscribe with it (renewed daily by events-key-renewer)',
              expires: Expiration.after(Duration.days(KEY_VALIDITY_DAYS)),
            },
          },
          { authorizationType: AppSyncAuthorizationType.IAM },
        ],
        connectionAuthModeTypes: [AppSyncAuthorizationType.API_KEY, AppSyncAuthorizationType.IAM],
        defaultPublishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        defaultSubscribeAuthModeTypes: [AppSyncAuthorizationType.API_KEY],
      },
    });
    const key = this.api.apiKeys.pages;
    if (!key) throw new Error('OrderEvents: the Event API has no pages key');
    this.apiKey = key;
    this.api.addChannelNamespace('Orders', {
      channelNamespaceName: PUSH_NAMESPACE,
      code: Code.fromInline(ON_SUBSCRIBE),
      // Anyone with the page's key subscribes (the id is the capability); only IAM publishes.
      authorizationConfig: {
        publishAuthModeTypes: [AppSyncAuthorizationType.IAM],
        subscribeAuthModeTypes: [AppSyncAuthorizationType.API_KEY],
      },
    });

    this.bus = props.eventBusArn
      ? EventBus.fromEventBusArn(this, 'Bus', props.eventBusArn)
      : new EventBus(this, 'Bus', { description: 'Order events (docs/events.md §4): source zalopay-qr' });
    this.streamFailures = deadLetterQueue(
      this,
      'StreamFailures',
      "the orders stream's records order-events could not handle (on-failure destination)",
    );
  }

  /**
   * Makes `fn` the consumer of the table's stream (docs/events.md §1): order items only, partial
   * batch responses, bisect on error, bounded retries and record age, then the on-failure queue.
   * It may publish to the `orders` namespace only and put events on the bus only.
   */
  feedFrom(table: ITable, fn: AppFunction): void {
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_MAPPING.batchSize,
        // One shard is one order's history in order: never two batches of it at once.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: STREAM_MAPPING.retryAttempts,
        maxRecordAge: STREAM_MAPPING.maxRecordAge,
        onFailure: new SqsDlq(this.streamFailures),
        // History and idempotency items share the table: the function never sees them.
        filters: [
          FilterCriteria.filter({
            dynamodb: { Keys: { [TABLE_KEYS.sortKey]: { S: FilterRule.isEqual('ORDER') } } },
          }),
        ],
      }),
    );
    this.api.grant(fn, AppSyncEventResource.ofChannelNamespace(PUSH_NAMESPACE), 'appsync:EventPublish');
    fn.addEnvironment(AWS_ENV.eventsEndpoint, `https://${this.api.httpDns}/event`);
    this.bus.grantPutEventsTo(fn);
    fn.addEnvironment(AWS_ENV.eventBus, this.bus.eventBusArn);
  }

  /** Tells the pages function where to subscribe, with the current key (its value is public: the pages carry it). */
  subscribeFrom(fn: AppFunction): void {
    fn.addEnvironment(AWS_ENV.eventsRealtimeUrl, `wss://${this.api.realtimeDns}/event/realtime`);
    fn.addEnvironment(AWS_ENV.eventsHost, this.api.httpDns);
    fn.addEnvironment(AWS_ENV.eventsApiKey, this.apiKey.attrApiKey);
  }

  /**
   * The merchant webhook (docs/events.md §3): `feeder` (order-events) enqueues each event,
   * `deliverer` (webhook-delivery) POSTs it and, on failure, hides the message until the next
   * back-off; after 24 h it moves the message to the dead-letter queue itself. SQS's own redrive
   * (a receive count beyond the policy's attempts) is the backstop should the function fail
   * before it could decide.
   */
  deliverWebhooksWith(feeder: AppFunction, deliverer: AppFunction, webhookUrl: string): void {
    const deadLetters = deadLetterQueue(
      this,
      'WebhookDeadLetters',
      'webhook deliveries that failed for 24 h',
    );
    // A receive may be the function failing before it hid the message: allow those too.
    const maxReceiveCount = 2 * attemptsWithin(DEFAULT_WEBHOOK_RETRY);
    const deliveries = queue(this, 'WebhookDeliveries', {
      // At least 6 times the function's timeout, as AWS recommends for an SQS event source.
      visibilityTimeout: Duration.seconds(6 * (deliverer.timeout?.toSeconds() ?? 30)),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount },
    });
    deliveries.grantSendMessages(feeder);
    feeder.addEnvironment(AWS_ENV.webhookQueueUrl, deliveries.queueUrl);

    deliverer.addEventSource(
      new SqsEventSource(deliveries, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    deliverer.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:ChangeMessageVisibility'], resources: [deliveries.queueArn] }),
    );
    deadLetters.grantSendMessages(deliverer);
    deliverer.addEnvironment(AWS_ENV.webhookUrl, webhookUrl);
    deliverer.addEnvironment(AWS_ENV.webhookQueueUrl, deliveries.queueUrl);
    deliverer.addEnvironment(AWS_ENV.webhookDeadLetterQueueUrl, deadLetters.queueUrl);
    this.webhookQueue = deliveries;
    this.webhookDeadLetters = deadLetters;
  }

  /**
   * Lets `fn` (dead-letters) list the webhook's dead letters and move them back to the delivery
   * queue: it reads, hides and deletes dead letters, and sends to the delivery queue only.
   */
  replayDeadLettersWith(fn: AppFunction): void {
    if (!this.webhookQueue || !this.webhookDeadLetters)
      throw new Error('no webhook: deliverWebhooksWith first');
    this.webhookDeadLetters.grantConsumeMessages(fn);
    this.webhookQueue.grantSendMessages(fn);
    fn.addEnvironment(AWS_ENV.webhookQueueUrl, this.webhookQueue.queueUrl);
    fn.addEnvironment(AWS_ENV.webhookDeadLetterQueueUrl, this.webhookDeadLetters.queueUrl);
  }

  /** Runs `fn` daily to move the pages' key expiry forward; it may update that key only. */
  renewKeyWith(fn: AppFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['appsync:UpdateApiKey'], resources: [this.apiKey.attrArn] }),
    );
    fn.addEnvironment(AWS_ENV.eventsApiId, this.api.apiId);
    fn.addEnvironment(AWS_ENV.eventsApiKeyId, this.apiKey.attrApiKeyId);
    new Rule(this, 'RenewKey', {
      description: "Moves the buyer push API key's expiry forward",
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
