import { makeHandler } from '../order-history';
import { lambda, logger } from './lib/common';
import { store } from './lib/dynamo';
import { merchantApiKey } from './lib/secrets';

/** `GET /orders/{appTransId}/history` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
