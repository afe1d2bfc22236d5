import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName } from '../../shared/core/observability';
import type { PaymentApi } from './payment-api';

/** The CloudWatch namespace of our business metrics (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = 'ZaloPayQR';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** The `service` dimension Powertools adds: POWERTOOLS_SERVICE_NAME, the stack name. */
  serviceName: string;
  functions: Record<string, IFunction>;
  api: PaymentApi;
  /** The group of the status-check and sweeper schedules, whose failed deliveries raise an alarm. */
  scheduleGroup: IScheduleGroup;
  /** Queues whose every message is a check, an order event or a webhook delivery an operator must look at. */
  deadLetterQueues: Record<string, IQueue>;
  /** Alarm when the buyer push's API key was not renewed for two days (events-key-renewer). */
  watchKeyRenewal?: boolean;
  alarmEmail: string | undefined;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms (to one SNS topic) and a dashboard: the money-relevant signals first. A callback MAC that
 * fails (forgery, or a wrong key2 after a rotation), a check nobody could run (dead letters), an
 * order a person must decide on (REVIEW), ZaloPay failing, and our functions failing or throttled.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'ZaloPay QR alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no payment data. CloudWatch cannot ' +
        'publish to a topic encrypted with the AWS managed SNS key, and a customer key for this alone ' +
        'is cost without benefit.',
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const business = (metricName: MetricName, period = FIVE_MINUTES) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic: 'Sum',
        period,
      });
    const alarm = (name: string, description: string, metric: IMetric, threshold = 1) =>
      new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(this.topic));

    alarm(
      'CallbackMacFailures',
      'ZaloPay callbacks refused (bad MAC, foreign app_id, malformed): forgery attempts, or key2 in the ' +
        'secret does not match ZaloPay (check a rotation). Paid orders are still settled by the status check.',
      business('CallbackRejected', Duration.minutes(15)),
      3,
    );
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Messages`,
        `Messages in ${name}: each is work that could not be done (a status check, an order event or ` +
          'a webhook delivery). Inspect, fix, redrive (README).',
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      );
    }
    if (props.watchKeyRenewal) {
      new Alarm(this, 'EventsKeyNotRenewed', {
        alarmDescription:
          "The buyer push's API key was not renewed for two days: see events-key-renewer's logs. It " +
          'expires a year after the last renewal; then the pages fall back to the long-poll.',
        metric: business('EventsKeyRenewed', Duration.days(1)),
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      }).addAlarmAction(new SnsAction(this.topic));
    }
    alarm(
      'OrdersInReview',
      'An order went to REVIEW (amount mismatch, paid after close, orphan payment, or unresolved at 47 h): ' +
        'a person must decide. GET /orders/{appTransId}/history shows why.',
      business('OrderReview'),
    );

    alarm(
      'RefundsUnresolved',
      'A refund was still processing at ZaloPay 47 h after it was made, and its follow-ups stopped: a person ' +
        'must ask ZaloPay. `npm run zp -- sync <id>` queries it again; `zp refunds <id>` shows the ledger.',
      business('RefundUnresolved'),
    );

    // A lost check is never silent (docs/scheduling.md §6): a schedule not created, a schedule
    // not delivered, and the sweeper finding what lost schedules leave behind.
    alarm(
      'StatusCheckScheduleFailures',
      'CreateSchedule failed for a status check (after POST /orders or a check): the check is recorded and ' +
        'the sweeper runs it late. Look at Scheduler quotas and the functions’ scheduler permissions.',
      business('StatusCheckScheduleFailed'),
    );
    const group = props.scheduleGroup;
    const deliveryFailures = {
      targeterrors: group.metricTargetErrors({ period: FIVE_MINUTES }),
      dropped: group.metricDropped({ period: FIVE_MINUTES }),
      deadletters: group.metricSentToDLQ({ period: FIVE_MINUTES }),
      lost: group.metricFailedToBeSentToDLQ(undefined, { period: FIVE_MINUTES }),
    };
    alarm(
      'ScheduleDeliveryFailures',
      'EventBridge Scheduler could not deliver a status check or sweeper run (target errors, dropped after ' +
        'its retries, sent to or failed to reach the dead-letter queue): the sweeper catches up the checks.',
      new MathExpression({
        label: 'Failed schedule deliveries',
        expression: Object.keys(deliveryFailures)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics: deliveryFailures,
        period: FIVE_MINUTES,
      }),
    );
    alarm(
      'OverdueChecksFound',
      'The sweeper found status checks more than 2 minutes overdue: their schedules were lost, throttled or ' +
        'never created. It runs them; normally it finds none.',
      business('SweptOrders'),
    );

    const failures = ['ZaloPayError', 'OrderCreateUnknown', 'OrderCreateRejected'] as const;
    const calls = ['StatusCheckRun', 'OrderCreated', 'OrderCreateRejected', 'OrderCreateUnknown'] as const;
    const usingMetrics = Object.fromEntries(
      [...new Set<MetricName>([...failures, ...calls])].map((m) => [m.toLowerCase(), business(m)]),
    );
    const sum = (names: readonly MetricName[]) => names.map((m) => `FILL(${m.toLowerCase()}, 0)`).join(' + ');
    alarm(
      'ZaloPayErrorRate',
      'More than 20% of ZaloPay calls failed, timed out or were refused in 5 minutes (at least 5 calls): ' +
        'ZaloPay is down, or the keys or app_id in the secret are wrong.',
      new MathExpression({
        label: 'ZaloPay error rate (%)',
        expression: `IF((${sum(calls)}) >= 5, 100 * (${sum(failures)}) / (${sum(calls)}), 0)`,
        usingMetrics,
        period: FIVE_MINUTES,
      }),
      20,
    );

    const perFunction = (metric: (fn: IFunction, label: string) => IMetric) =>
      Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, metric(fn, name)]));
    /** CloudWatch allows an alarm at most this many metrics. */
    const MAX_ALARM_METRICS = 10;
    /** The sum of `metrics`, as few expressions of at most MAX_ALARM_METRICS metrics as it takes. */
    const totals = (label: string, metrics: Record<string, IMetric>) => {
      const all = Object.values(metrics);
      const chunks = Array.from({ length: Math.ceil(all.length / MAX_ALARM_METRICS) }, (_, c) =>
        all.slice(c * MAX_ALARM_METRICS, (c + 1) * MAX_ALARM_METRICS),
      );
      return chunks.map((chunk, c) => {
        const ids = chunk.map((_, i) => `f${i}`);
        return new MathExpression({
          label: c === 0 ? label : `${label} (${c + 1})`,
          expression: ids.map((i) => `FILL(${i}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(chunk.map((m, i) => [ids[i]!, m])),
          period: FIVE_MINUTES,
        });
      });
    };
    const errors = perFunction((fn, label) =>
      fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label }),
    );
    const throttles = perFunction((fn, label) =>
      fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label }),
    );
    for (const [c, metric] of totals('Function errors', errors).entries()) {
      alarm(
        c === 0 ? 'FunctionErrors' : `FunctionErrors${c + 1}`,
        'A function failed (an unhandled error, a timeout, or a crash at start such as a malformed setting).',
        metric,
      );
    }
    for (const [c, metric] of totals('Throttles', throttles).entries()) {
      alarm(
        c === 0 ? 'FunctionThrottles' : `FunctionThrottles${c + 1}`,
        'A function was throttled: raise its concurrency.',
        metric,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    const graph = (title: string, metrics: IMetric[], width = 8) =>
      new GraphWidget({ title, left: metrics, width, height: 6 });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `## ZaloPay QR — ${Stack.of(this).stackName}\nOrders, callbacks, status checks, ZaloPay and the functions behind them.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Orders',
        (['OrderCreated', 'OrderPaid', 'OrderExpired', 'OrderFailed', 'OrderReview'] as const).map((m) =>
          business(m),
        ),
      ),
      graph(
        'Callbacks',
        (['CallbackAccepted', 'CallbackDuplicate', 'CallbackRejected', 'CallbackFailed'] as const).map((m) =>
          business(m),
        ),
      ),
      graph(
        'Status checks',
        (['StatusCheckRun', 'StatusCheckScheduled', 'StatusCheckScheduleFailed', 'SweptOrders'] as const).map(
          (m) => business(m),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'ZaloPay failures',
        failures.map((m) => business(m)),
      ),
      graph('API', [
        props.api.api.metricClientError({ period: FIVE_MINUTES }),
        props.api.api.metricServerError({ period: FIVE_MINUTES }),
        props.api.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' }),
      ]),
      graph(
        'Dead letters',
        Object.entries(props.deadLetterQueues).map(([name, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('Function errors', Object.values(errors)),
      graph('Function throttles', Object.values(throttles)),
      graph(
        'Function duration p95',
        Object.values(
          perFunction((fn, label) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p95', label })),
        ),
      ),
    );
  }

  /** The dashboard in the CloudWatch console. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
