import { DynamoIdempotencyStore } from '../../shared/adapters/dynamodb/idempotency-store';
import { makeHandler } from '../create-order';
import { store, table } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, policy } from './lib/runtime';
import { statusCheckScheduler } from './lib/scheduler';
import { merchantApiKey } from './lib/secrets';
import { zalopay } from './lib/zalopay';

/** `POST /orders` (API Gateway). */
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
    config,
    merchantApiKey,
  }),
);
