import { makeHandler } from '../list-reviews';
import { store } from './lib/dynamo';
import { lambda, logger } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `GET /reviews` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
