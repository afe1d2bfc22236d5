import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EventBridgeStatusCheckScheduler,
  type EventBridgeStatusCheckSchedulerOptions,
} from '../../../shared/adapters/scheduler/eventbridge';
import { scheduleName } from '../../../shared/core/ports/scheduler';
import { APP_TRANS_ID_PATTERN, newAppTransId } from '../../../shared/core/zalopay/ids';

const schedulerMock = mockClient(SchedulerClient);

const NOW = new Date('2025-06-01T03:00:00.000Z');
const ARNS = {
  targetArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:status-check',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:ap-southeast-1:123456789012:status-check-dlq',
};

const scheduler = (now: Date = NOW, extra: Partial<EventBridgeStatusCheckSchedulerOptions> = {}) =>
  new EventBridgeStatusCheckScheduler({
    client: new SchedulerClient({ region: 'ap-southeast-1' }),
    groupName: 'zalopay-status-checks',
    ...ARNS,
    clock: () => now,
    ...extra,
  });

const sentExpression = () =>
  schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input.ScheduleExpression;

beforeEach(() => {
  schedulerMock.reset();
  schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
});

describe('EventBridgeStatusCheckScheduler', () => {
  it('creates one one-time schedule targeting status-check with the check as input', async () => {
    await scheduler().schedule({
      appTransId: '250601_AbCdEfGhIjKlMnOpQrStUv',
      attempt: 1,
      at: new Date('2025-06-01T03:20:00.000Z'),
    });

    const calls = schedulerMock.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: 'zp-250601_AbCdEfGhIjKlMnOpQrStUv-1',
      GroupName: 'zalopay-status-checks',
      ScheduleExpression: 'at(2025-06-01T03:20:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: ARNS.targetArn,
        RoleArn: ARNS.roleArn,
        Input: '{"appTransId":"250601_AbCdEfGhIjKlMnOpQrStUv","attempt":1}',
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: ARNS.deadLetterArn },
      },
    });
  });

  it('passes the configured delivery retry policy', async () => {
    const retry = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 900 };

    await scheduler(NOW, { retry }).schedule({
      appTransId: '250601_x',
      attempt: 2,
      at: new Date('2025-06-01T04:00:00Z'),
    });

    expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]?.args[0].input.Target?.RetryPolicy).toEqual({
      MaximumRetryAttempts: 3,
      MaximumEventAgeInSeconds: 900,
    });
  });

  it.each([
    ['a whole second as is', '2025-06-01T03:20:00.000Z', 'at(2025-06-01T03:20:00)'],
    ['a fraction up to the next second', '2025-06-01T03:20:00.001Z', 'at(2025-06-01T03:20:01)'],
    ['up across a day and year boundary', '2025-12-31T23:59:59.250Z', 'at(2026-01-01T00:00:00)'],
    ['in UTC whatever the local zone', '2025-06-01T23:30:00+07:00', 'at(2025-06-01T16:30:00)'],
  ])('writes at() in UTC without offset or milliseconds, rounding %s', async (_, at, expression) => {
    await scheduler(new Date('2025-06-01T00:00:00Z')).schedule({
      appTransId: '250601_x',
      attempt: 1,
      at: new Date(at),
    });

    expect(sentExpression()).toBe(expression);
  });

  it.each([
    ['in the past', '2025-06-01T02:00:00.000Z', 'at(2025-06-01T03:01:00)'],
    ['now', '2025-06-01T03:00:00.000Z', 'at(2025-06-01T03:01:00)'],
    ['59.999 s ahead', '2025-06-01T03:00:59.999Z', 'at(2025-06-01T03:01:00)'],
    ['61 s ahead', '2025-06-01T03:01:01.000Z', 'at(2025-06-01T03:01:01)'],
  ])('clamps a check due %s to at least 60 s from now', async (_, at, expression) => {
    await scheduler().schedule({ appTransId: '250601_x', attempt: 1, at: new Date(at) });

    expect(sentExpression()).toBe(expression);
  });

  it('rounds the clamped time up too', async () => {
    await scheduler(new Date('2025-06-01T23:59:00.400Z')).schedule({
      appTransId: '250601_x',
      attempt: 1,
      at: new Date(0),
    });

    expect(sentExpression()).toBe('at(2025-06-02T00:00:01)');
  });

  it('treats an existing schedule of the same name as already scheduled', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: 'Schedule zp-x-1 already exists.',
        Message: 'Schedule zp-x-1 already exists.',
        $metadata: {},
      }),
    );

    await expect(
      scheduler().schedule({ appTransId: '250601_x', attempt: 1, at: NOW }),
    ).resolves.toBeUndefined();
  });

  it.each([
    [
      'a service error',
      new ValidationException({
        message: 'Invalid Schedule Expression',
        Message: 'Invalid Schedule Expression',
        $metadata: {},
      }),
    ],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('propagates %s', async (_, error) => {
    schedulerMock.on(CreateScheduleCommand).rejects(error);

    await expect(scheduler().schedule({ appTransId: '250601_x', attempt: 1, at: NOW })).rejects.toBe(error);
  });
});

describe('scheduleName', () => {
  // EventBridge Scheduler's constraint on schedule names.
  const EVENTBRIDGE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

  it('fits EventBridge for the ids we issue, up to attempt 999', () => {
    for (let i = 0; i < 200; i++) {
      const appTransId = newAppTransId(new Date(Date.UTC(2025, 0, 1) + i * 86_400_000));
      for (const attempt of [0, 1, 47, 999])
        expect(scheduleName({ appTransId, attempt })).toMatch(EVENTBRIDGE_NAME);
    }
  });

  it('fits EventBridge for the longest id our routes accept', () => {
    const longest = `250601_${'A-_z9'.repeat(6)}xyz`;
    expect(longest).toMatch(APP_TRANS_ID_PATTERN);
    expect(longest).toHaveLength(40);

    expect(scheduleName({ appTransId: longest, attempt: 999 })).toMatch(EVENTBRIDGE_NAME);
  });

  it('is deterministic per order and attempt', () => {
    expect(scheduleName({ appTransId: '250601_x', attempt: 3 })).toBe('zp-250601_x-3');
  });
});
