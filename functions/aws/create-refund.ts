import { DynamoIdempotencyStore } from '../../shared/adapters/dynamodb/idempotency-store';
import { makeHandler } from '../create-refund';
import { store, table } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, policy } from './lib/runtime';
import { statusCheckScheduler } from './lib/scheduler';
import { credentials, merchantApiKey } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `POST /orders/{appTransId}/refunds` (API Gateway, merchant). */
export const handler = metered(
  makeHandler({
    store,
    idempotency: new DynamoIdempotencyStore(table),
    zalopay,
    scheduler: statusCheckScheduler(),
    clock,
    policy,
    log: logger,
    metrics,
    credentials,
    zalopayTimeoutMs: config.zalopayTimeoutMs,
    merchantApiKey,
  }),
);
