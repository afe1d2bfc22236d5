import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function';

/** Lambda runs a failed check this many more times before the on-failure destination. */
const RETRY_ATTEMPTS = 2;

const failureQueue = (scope: Construct, id: string, purpose: string) => {
  const queue = new Queue(scope, id, {
    enforceSSL: true,
    encryption: QueueEncryption.SQS_MANAGED,
    // As long as SQS keeps anything: an operator has two weeks to look and redrive.
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue: ${purpose}.`,
  });
  return queue;
};

/**
 * The status checks of docs/scheduling.md: the schedule group the one-time checks live in, the role
 * EventBridge Scheduler assumes to deliver them (it may invoke status-check and nothing else),
 * the dead-letter queue for deliveries that failed, status-check's own on-failure destination for
 * errors inside it, and the sweeper's recurring schedule.
 */
export class StatusChecks extends Construct {
  readonly group: ScheduleGroup;
  /** Checks EventBridge Scheduler could not deliver. */
  readonly deliveryDeadLetters: Queue;
  /** Checks that failed inside status-check after Lambda's retries. */
  readonly checkFailures: Queue;
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Deleted with the stack, pending checks included: a retained group would also block a redeploy
    // of the same stack, its generated name being taken.
    this.group = new ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.deliveryDeadLetters = failureQueue(
      this,
      'DeliveryDeadLetters',
      'checks the scheduler could not deliver',
    );
    this.checkFailures = failureQueue(this, 'CheckFailures', "status-check's on-failure destination");
    this.schedulerRole = this.#schedulerRole(
      'SchedulerRole',
      'Assumed by EventBridge Scheduler to deliver status checks',
    );
    this.schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deliveryDeadLetters.queueArn] }),
    );
  }

  /** A role only the schedules of this group, in this account, may assume (confused deputy). */
  #schedulerRole(id: string, description: string): Role {
    return new Role(this, id, {
      description,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        ArnEquals: { 'aws:SourceArn': this.group.scheduleGroupArn },
      }),
    });
  }

  /**
   * Makes `fn` the target of every check: the scheduler role may invoke it (its unqualified ARN
   * only), Lambda retries a failed check, then keeps it in {@link checkFailures}.
   */
  deliverTo(fn: AppFunction): void {
    this.schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    fn.configureAsyncInvoke({
      retryAttempts: RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.checkFailures),
    });
  }

  /** Lets `fn` create one-time schedules in the group, passing the scheduler role and nothing else. */
  grantScheduling(fn: AppFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [
          Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${this.group.scheduleGroupName}/*`,
          }),
        ],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.group.scheduleGroupName}/*]`,
      reason:
        'Schedule names are per order and attempt (zp-<appTransId>-<attempt>), made at run time: the ' +
        "grant is CreateSchedule within this stack's own schedule group only.",
    });
  }

  /** Runs the sweeper every 5 minutes (docs/scheduling.md); a missed run is covered by the next one. */
  sweepWith(fn: AppFunction): Schedule {
    // Its own role: the status checks' role may invoke status-check and nothing else.
    const role = this.#schedulerRole('SweeperRole', 'Assumed by EventBridge Scheduler to run the sweeper');
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        "CDK's Lambda target grants invoke on the sweeper and its versions (ARN:*); it is still the " +
        'sweeper function only.',
    });
    // One run at a time (docs/scheduling.md §4): a run that failed is not retried, by Scheduler or
    // by Lambda, since the next run 5 minutes later does the same work; retries would only stack
    // runs up behind the reserved concurrency of 1. A delivery that fails still goes to the
    // dead-letter queue, which raises an alarm.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(4) });
    return new Schedule(this, 'Sweeper', {
      description: 'Checks unsettled orders whose status check is overdue',
      schedule: ScheduleExpression.rate(Duration.minutes(5)),
      scheduleGroup: this.group,
      target: new LambdaInvoke(fn, {
        role,
        deadLetterQueue: this.deliveryDeadLetters,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(4),
      }),
    });
  }
}
