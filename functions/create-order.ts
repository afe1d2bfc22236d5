import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  errorAnswers,
  jsonAnswer,
  type OperationContract,
  type Schema,
} from '../shared/adapters/http/contract';
import { json } from '../shared/adapters/http/headers';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyOf,
  idempotencyKeySchema,
  withIdempotency,
} from '../shared/adapters/http/idempotency';
import { apiKeyAuth, httpErrors, type JsonEvent, jsonBody } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { AppConfig } from '../shared/core/config';
import { type CreateOrderDeps, createOrder } from '../shared/core/orders/create';
import { EXAMPLE_BASE_URL, EXAMPLE_PENDING } from '../shared/core/orders/examples';
import { newOrderSchema } from '../shared/core/orders/input';
import { createdOrderViewSchema, toCreatedOrderView } from '../shared/core/orders/view';
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

/**
 * `POST /orders` in the API document (functions/openapi.ts), for this deployment's limits and
 * `CREATE_ORDER_AUTH`. `newOrder` is the body schema, named in the document's components.
 */
export const contract = (config: Pick<AppConfig, 'createOrderAuth'>, newOrder: Schema): OperationContract => {
  const apiKey = config.createOrderAuth === 'api-key';
  return {
    operationId: 'createOrder',
    summary: 'Create an order and its ZaloPay order',
    description:
      "Stores the order, then calls ZaloPay's `/v2/create` exactly once (never retried inside the " +
      'request: a blind retry risks a second order). Bad input is refused before anything is stored ' +
      'or sent. Show the buyer a QR of `orderUrl` (or `qrUrl`), then follow the order with ' +
      '`GET /orders/{appTransId}?wait=20`.' +
      (apiKey
        ? " This deployment has CREATE_ORDER_AUTH=api-key: only the merchant's backend creates orders."
        : ' This deployment has CREATE_ORDER_AUTH=none: any client may create an order (docs/http-api.md §6).'),
    tag: 'Orders',
    ...(apiKey ? { auth: 'merchant' as const } : {}),
    headers: {
      [IDEMPOTENCY_KEY_HEADER]: {
        description:
          'Makes retries safe for 24 h: the same key with the same JSON body (key order aside) replays ' +
          'the first 201 without calling ZaloPay again; with another body, or while the first request ' +
          'is running, 409. An attempt that ended in an error frees the key.',
        schema: idempotencyKeySchema,
      },
    },
    body: {
      description: 'The order.',
      content: {
        'application/json': {
          schema: newOrder,
          examples: {
            cart: {
              summary: 'Two iced coffees, back to the shop after paying',
              value: {
                amount: 50_000,
                description: 'Đơn hàng #42',
                appUser: 'khach-42',
                items: [{ id: 'cf', name: 'Cà phê sữa đá', price: 25_000, quantity: 2 }],
                returnUrl: 'https://shop.example/thanks',
                metadata: { cartId: 'c-42' },
              },
            },
            amountOnly: { summary: 'Just an amount', value: { amount: 50_000 } },
          },
        },
      },
    },
    responses: {
      201: jsonAnswer(
        'Created at ZaloPay: show the QR.',
        createdOrderViewSchema(),
        { created: { summary: 'A new order', value: toCreatedOrderView(EXAMPLE_PENDING, EXAMPLE_BASE_URL) } },
        {
          [IDEMPOTENT_REPLAYED_HEADER]: {
            description:
              '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
            schema: z.literal('true'),
          },
        },
      ),
      ...errorAnswers(
        'INVALID_JSON',
        'VALIDATION_FAILED',
        ...(apiKey ? (['UNAUTHORIZED'] as const) : []),
        'IDEMPOTENCY_CONFLICT',
        'PAYLOAD_TOO_LARGE',
        'ZALOPAY_REJECTED',
        'ZALOPAY_UNAVAILABLE',
        'INTERNAL',
      ),
    },
  };
};
