import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { type Clock, systemClock } from '../../core/clock';
import {
  type ScheduledCheck,
  type StatusCheckRequest,
  type StatusCheckScheduler,
  scheduleName,
} from '../../core/ports/scheduler';

/** How EventBridge Scheduler retries delivering a check before handing it to the dead-letter queue. */
export interface DeliveryRetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

/** Options of {@link EventBridgeStatusCheckScheduler}. */
export interface EventBridgeStatusCheckSchedulerOptions {
  client: SchedulerClient;
  /** The stack's schedule group. */
  groupName: string;
  /** The `status-check` function. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  /** The SQS queue that receives checks which could not be delivered. */
  deadLetterArn: string;
  /** Defaults to EventBridge Scheduler's own defaults (185 attempts, 24 h), stated explicitly. */
  retry?: DeliveryRetryPolicy;
  clock?: Clock;
}

/**
 * A one-time schedule needs a time in the future: a past `at()`, or one so close that it passes
 * before the request lands, would never fire. EventBridge only promises minute precision anyway,
 * so checks due sooner (a redelivery, a sweeper catching up) are clamped to this far ahead.
 */
const MIN_LEAD_SECONDS = 60;

const DEFAULT_RETRY: DeliveryRetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

/**
 * {@link StatusCheckScheduler} as one-time EventBridge Scheduler schedules, one per (order,
 * attempt) and deleted after they fire. A schedule that already exists counts as scheduled.
 */
export class EventBridgeStatusCheckScheduler implements StatusCheckScheduler {
  readonly #options: EventBridgeStatusCheckSchedulerOptions;
  readonly #clock: Clock;
  readonly #retry: DeliveryRetryPolicy;

  constructor(options: EventBridgeStatusCheckSchedulerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#retry = options.retry ?? DEFAULT_RETRY;
  }

  async schedule(check: ScheduledCheck): Promise<void> {
    const { client, groupName, targetArn, roleArn, deadLetterArn } = this.#options;
    const request: StatusCheckRequest = {
      appTransId: check.appTransId,
      attempt: check.attempt,
      ...(check.mRefundId !== undefined && { mRefundId: check.mRefundId }),
    };
    try {
      await client.send(
        new CreateScheduleCommand({
          Name: scheduleName(check),
          GroupName: groupName,
          ScheduleExpression: atExpression(check.at, this.#clock()),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Target: {
            Arn: targetArn,
            RoleArn: roleArn,
            Input: JSON.stringify(request),
            RetryPolicy: {
              MaximumRetryAttempts: this.#retry.maximumRetryAttempts,
              MaximumEventAgeInSeconds: this.#retry.maximumEventAgeInSeconds,
            },
            DeadLetterConfig: { Arn: deadLetterArn },
          },
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConflictException') return;
      throw error;
    }
  }
}

/**
 * `at(yyyy-mm-ddThh:mm:ss)` in UTC: at() takes whole seconds without an offset, and rounding up
 * keeps the check from firing before the time asked for.
 */
const atExpression = (at: Date, now: Date): string => {
  const earliest = now.getTime() + MIN_LEAD_SECONDS * 1000;
  const seconds = Math.ceil(Math.max(at.getTime(), earliest) / 1000);
  return `at(${new Date(seconds * 1000).toISOString().slice(0, 19)})`;
};
