import { makeHandler } from '../get-order';
import { store } from './lib/dynamo';
import { clock, config, lambda, logger } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `GET /orders/{appTransId}` (API Gateway), long-poll included. */
export const handler = lambda(
  makeHandler({
    store,
    clock,
    pollIntervalMs: config.longPollIntervalMs,
    log: logger,
    config,
    merchantApiKey,
  }),
);
