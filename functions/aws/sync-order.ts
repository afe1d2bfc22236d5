import { makeHandler } from '../sync-order';
import { store } from './lib/dynamo';
import { clock, config, lambda, logger, metrics, noScheduling, policy } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `POST /orders/{appTransId}/sync` (API Gateway, merchant). */
export const handler = lambda(
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
