import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { MiddlewareObj } from '@middy/core';
import { AWS_ENV, schedulerSettings } from '../../../shared/adapters/aws/settings';
import { EventBridgeStatusCheckScheduler } from '../../../shared/adapters/scheduler/eventbridge';
import { ConfigError } from '../../../shared/core/config-error';
import type { StatusCheckScheduler } from '../../../shared/core/ports/scheduler';

const settings = schedulerSettings(process.env);
const client = new SchedulerClient({});

const targeting = (targetArn: string) =>
  new EventBridgeStatusCheckScheduler({
    client,
    groupName: settings.groupName,
    roleArn: settings.roleArn,
    deadLetterArn: settings.deadLetterArn,
    targetArn,
  });

/** Schedules checks on the status-check function named in the environment (create-order, sweeper). */
export const statusCheckScheduler = (): StatusCheckScheduler => {
  if (!settings.targetArn)
    throw new ConfigError(`Invalid configuration: ${AWS_ENV.statusCheckArn} is required`);
  return targeting(settings.targetArn);
};

/** `arn:…:function:name`, without a version or alias qualifier. */
const unqualified = (functionArn: string): string => functionArn.split(':').slice(0, 7).join(':');

/**
 * For status-check, which schedules its own follow-ups: CloudFormation cannot put a function's
 * own ARN in its environment (a circular reference), so the target is learnt from the first
 * invocation's context by the returned middleware. Scheduling only ever happens inside an
 * invocation, after it has run.
 */
export const selfScheduler = (): { scheduler: StatusCheckScheduler; learnTarget: MiddlewareObj } => {
  let target: StatusCheckScheduler | undefined;
  return {
    scheduler: {
      schedule: (check) => {
        if (!target) throw new Error('status-check scheduled a check outside an invocation');
        return target.schedule(check);
      },
    },
    learnTarget: {
      before: (request) => {
        target ??= targeting(unqualified(request.context.invokedFunctionArn));
      },
    },
  };
};
