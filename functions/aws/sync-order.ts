import { makeHandler } from '../sync-order';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, noScheduling, policy } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `POST /orders/{appTransId}/sync` (API Gateway, merchant). */
export const handler = metered(
  makeHandler({
    store,
    zalopay,
    scheduler: noScheduling,
    clock,
    policy,
    log: logger,
    metrics,
    merchantApiKey,
    config,
  }),
);
