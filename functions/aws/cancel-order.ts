import { makeHandler } from '../cancel-order';
import { store } from './lib/dynamo';
import { clock, config, lambda, logger, metrics } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `POST /orders/{appTransId}/cancel` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, clock, log: logger, metrics, merchantApiKey, config }));
