import { makeHandler } from '../status-check';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, logger, policy } from './lib/runtime';
import { selfScheduler } from './lib/scheduler';
import { zalopay } from './lib/zalopay';

const { scheduler, learnTarget } = selfScheduler();

/**
 * The status check EventBridge Scheduler invokes (asynchronously) with `{appTransId, attempt}`;
 * its follow-ups target this very function.
 */
export const handler = metered(
  makeHandler({ store, zalopay, scheduler, clock, policy, log: logger, metrics }),
  learnTarget,
);
