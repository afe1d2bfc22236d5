import { makeHandler } from '../cancel-order';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger } from './lib/runtime';
import { merchantApiKey } from './lib/secrets';

/** `POST /orders/{appTransId}/cancel` (API Gateway, merchant). */
export const handler = metered(makeHandler({ store, clock, log: logger, metrics, merchantApiKey, config }));
