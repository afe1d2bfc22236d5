import { makeHandler } from '../redirect';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, noScheduling, policy } from './lib/runtime';
import { credentials } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `GET /zalopay/redirect` (API Gateway): where ZaloPay sends the buyer back. */
export const handler = metered(
  makeHandler({
    store,
    zalopay,
    scheduler: noScheduling,
    clock,
    policy,
    log: logger,
    metrics,
    credentials,
    config,
  }),
);
