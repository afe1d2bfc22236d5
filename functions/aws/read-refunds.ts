import { makeHandler } from '../read-refunds';
import { lambda, logger } from './lib/common';
import { store } from './lib/dynamo';
import { merchantApiKey } from './lib/secrets';

/** `GET /orders/{appTransId}/refunds[/{mRefundId}]` (API Gateway, merchant). */
export const handler = lambda(makeHandler({ store, log: logger, merchantApiKey }));
