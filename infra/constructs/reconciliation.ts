import { type CfnElement, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, type ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import type { MetricName } from '../../shared/core/observability';
import type { AppFunction } from './app-function';
import { METRICS_NAMESPACE } from './monitoring';

/** Where the reports go in the bucket; the function may write there and nowhere else. */
export const REPORTS_PREFIX = 'reports/';

/** Reports are kept this long (a year and a month: last year's books, and a margin), then deleted. */
export const REPORT_RETENTION_DAYS = 400;

/** Props of {@link Reconciliation}. */
export interface ReconciliationProps {
  /** The daily run (functions/aws/reconcile.ts). */
  fn: AppFunction;
  scheduleGroup: ScheduleGroup;
  /** Where a run Scheduler could not deliver goes (its alarm exists already). */
  deadLetterQueue: IQueue;
  alarmTopic: ITopic;
  serviceName: string;
}

/**
 * The daily reconciliation of docs/reconciliation.md §6: the reports bucket (S3-managed encryption,
 * no public access, TLS only, objects expire after {@link REPORT_RETENTION_DAYS} days), the
 * schedule that runs the reconcile function at 02:00 Vietnam time for the day before, its
 * permission to write reports (PutObject under `reports/`, nothing else), and alarms on the
 * mismatches and unresolved orders it counts.
 */
export class Reconciliation extends Construct {
  readonly bucket: Bucket;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    const { fn } = props;
    this.bucket = new Bucket(this, 'Reports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [
        { id: 'ExpireReports', prefix: REPORTS_PREFIX, expiration: Duration.days(REPORT_RETENTION_DAYS) },
      ],
      // The books of past days: a deleted stack leaves them for the merchant to remove.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the reconcile function writes here, once a day, and only the merchant reads; server access ' +
        'logs would need a second bucket to say what CloudTrail data events can say when wanted.',
    });

    fn.addEnvironment(AWS_ENV.reportsBucket, this.bucket.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${REPORTS_PREFIX}*`)],
      }),
    );
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/${REPORTS_PREFIX}*]`,
      reason: 'One report per day under reports/: PutObject on that prefix of this bucket only.',
    });

    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Assumed by EventBridge Scheduler to run the daily reconciliation',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "CDK's Lambda target grants invoke on the function and its versions (ARN:*); it is still the " +
        'reconcile function only.',
    });
    // A failed run is not retried by Lambda: re-running the day from the start is the operator's
    // call (`aws lambda invoke` with {"date": …}, README "Reconciliation"); the alarm says it failed.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.hours(1) });
    this.schedule = new Schedule(this, 'Daily', {
      description: 'Reconciles the orders of the day before with ZaloPay (02:00 Vietnam time)',
      schedule: ScheduleExpression.cron({ minute: '0', hour: '2', timeZone: TimeZone.ASIA_HO_CHI_MINH }),
      scheduleGroup: props.scheduleGroup,
      target: new LambdaInvoke(fn, {
        role,
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });

    const business = (metricName: MetricName) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic: 'Sum',
        period: Duration.hours(1),
      });
    const alarm = (name: string, description: string, metric: IMetric) =>
      new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(props.alarmTopic));
    alarm(
      'Mismatches',
      "The daily reconciliation found orders whose amount, paid status or refunds differ from ZaloPay's: " +
        `see reports/<day>.csv in the reports bucket (README "Reconciliation").`,
      business('ReconciliationMismatches'),
    );
    alarm(
      'Unresolved',
      'The daily reconciliation could not learn what ZaloPay says of some orders (query failed, still ' +
        'processing, unknown at ZaloPay): see the report; `npm run zp -- reconcile <day>` runs it again.',
      business('ReconciliationUnresolved'),
    );
    alarm(
      'Errors',
      'The daily reconciliation failed (no report written): see its logs, then run it again by hand.',
      fn.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
    );
  }
}
