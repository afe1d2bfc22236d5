import { makeHandler } from '../callback';
import { clock, logger } from './lib/common';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { credentials } from './lib/secrets';

/** ZaloPay's callback (its own Function URL), verified with key2 from the secret. */
export const handler = metered(makeHandler({ store, credentials, clock, log: logger, metrics }));
