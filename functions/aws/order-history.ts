import { makeHandler } from '../order-history';
import { store } from './lib/dynamo';
import { lambda, logger } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `GET /orders/{appTransId}/history` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
