import { setTimeout as sleep } from 'node:timers/promises';
import { routeOptions } from '../reconcile';
import { makeHandler } from '../reconciliations';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, policy } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `POST /reconciliations` (API Gateway, merchant). */
export const handler = metered(
  makeHandler({
    store,
    zalopay,
    clock,
    policy,
    log: logger,
    metrics,
    sleep,
    merchantApiKey,
    reconcile: routeOptions(config.zalopayTimeoutMs),
  }),
);
