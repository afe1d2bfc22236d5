import { makeHandler } from '../read-refunds';
import { store } from './lib/dynamo';
import { lambda, logger } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `GET /orders/{appTransId}/refunds[/{mRefundId}]` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
