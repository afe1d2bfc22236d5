import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { json } from '../shared/adapters/http/errors';
import { idempotencyKeyOf, withIdempotency } from '../shared/adapters/http/idempotency';
import { apiKeyAuth, httpErrors, type JsonEvent, jsonBody } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { AppConfig } from '../shared/core/config';
import { type CreateOrderDeps, createOrder } from '../shared/core/orders/create';
import { newOrderSchema } from '../shared/core/orders/input';
import { toCreatedOrderView } from '../shared/core/orders/view';
import type { IdempotencyStore } from '../shared/core/ports/store';

export interface Deps extends CreateOrderDeps {
  idempotency: IdempotencyStore;
  config: CreateOrderDeps['config'] &
    Pick<
      AppConfig,
      | 'amountMin'
      | 'amountMax'
      | 'returnUrlOrigins'
      | 'createOrderAuth'
      | 'publicBaseUrl'
      | 'zalopayTimeoutMs'
    >;
  merchantApiKey: () => Promise<string>;
}

/**
 * `POST /orders`: validate, then create the order at ZaloPay once (docs/http-api.md). Bad input is
 * refused before anything is stored or sent; an Idempotency-Key makes retries safe.
 */
export const makeHandler = (deps: Deps) => {
  const schema = newOrderSchema(deps.config);
  // A claim outlives the ZaloPay call it guards; after that a crashed attempt frees the key.
  const idempotency = { ...deps, leaseMs: deps.config.zalopayTimeoutMs + 30_000 };
  return middy<JsonEvent, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey, enabled: deps.config.createOrderAuth === 'api-key' }))
    .use(jsonBody())
    .handler(async (event) => {
      const input = parseOrThrow(schema, event.body);
      const key = idempotencyKeyOf(event.headers);
      return withIdempotency(idempotency, key, event.body, async () => {
        const order = await createOrder(deps, input);
        return json(201, toCreatedOrderView(order, deps.config.publicBaseUrl));
      });
    });
};
