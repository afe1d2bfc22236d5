import { makeHandler, sweepOptions } from '../sweeper';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, policy } from './lib/runtime';
import { statusCheckScheduler } from './lib/scheduler';
import { zalopay } from './lib/zalopay';

/** Every 5 minutes (EventBridge Scheduler): works through the orders whose check is overdue. */
export const handler = metered(
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
