import { makeHandler, sweepOptions } from '../sweeper';
import { store } from './lib/dynamo';
import { clock, config, lambda, logger, metrics, policy } from './lib/runtime';
import { statusCheckScheduler } from './lib/scheduler';
import { zalopay } from './lib/zalopay';

/** Every 5 minutes (EventBridge Scheduler): works through the orders whose check is overdue. */
export const handler = lambda(
  makeHandler({
    store,
    zalopay,
    scheduler: statusCheckScheduler(),
    clock,
    policy,
    log: logger,
    metrics,
    sweep: sweepOptions(config.zalopayTimeoutMs),
  }),
);
