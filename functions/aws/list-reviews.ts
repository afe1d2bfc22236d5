import { makeHandler } from '../list-reviews';
import { lambda, logger } from './lib/common';
import { store } from './lib/dynamo';
import { merchantApiKey } from './lib/secrets';

/** `GET /reviews` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
