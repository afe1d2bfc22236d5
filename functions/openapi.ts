import * as z from 'zod/mini';
import type { OperationContract } from '../shared/adapters/http/contract';
import { errorBodySchema } from '../shared/adapters/http/errors';
import { type DocumentSpec, openApiDocument, type Server } from '../shared/adapters/http/openapi';
import { appTransIdSchema } from '../shared/adapters/http/params';
import type { AppConfig } from '../shared/core/config';
import { eventEnvelopeSchema, eventIdSchema } from '../shared/core/events';
import { callbackAnswerSchema } from '../shared/core/orders/callback';
import { newOrderSchema, newRefundSchema } from '../shared/core/orders/input';
import {
  historyEntrySchema,
  orderStatusSchema,
  reviewReasonSchema,
  transitionSchema,
} from '../shared/core/orders/model';
import {
  createdOrderViewSchema,
  orderViewSchema,
  refundsViewSchema,
  refundViewSchema,
} from '../shared/core/orders/view';
import { reviewEntrySchema } from '../shared/core/ports/store';
import { callbackBodySchema } from '../shared/core/zalopay/callback';
import * as callback from './callback';
import * as cancelOrder from './cancel-order';
import * as createOrder from './create-order';
import * as createRefund from './create-refund';
import * as deadLetters from './dead-letters';
import * as getOrder from './get-order';
import * as listReviews from './list-reviews';
import * as orderHistory from './order-history';
import * as pages from './pages-contract';
import * as qr from './qr';
import * as readRefunds from './read-refunds';
import * as reconciliations from './reconciliations';
import * as redirect from './redirect';
import { API_ROUTES, CALLBACK_PATH, type RouteKey } from './routes';
import * as syncOrder from './sync-order';

/** What the document depends on: the settings a client must know, and where the API is. */
export type DocumentConfig = Pick<
  AppConfig,
  'amountMin' | 'amountMax' | 'returnUrlOrigins' | 'createOrderAuth'
> & {
  /** This deployment's URLs; without them, the document names every place the API may run. */
  urls?: Pick<AppConfig, 'publicBaseUrl' | 'callbackUrl'>;
};

/**
 * The contract of every route of functions/routes.ts, each from its handler module. A route missing
 * here fails the type-check; one missing from API_ROUTES fails the document's test.
 */
const contracts = (
  config: DocumentConfig,
  newOrder: ReturnType<typeof newOrderSchema>,
): Record<RouteKey, OperationContract> => ({
  'POST /orders': createOrder.contract(config, newOrder),
  'GET /orders/{appTransId}': getOrder.contract(),
  'GET /orders/{appTransId}/qr': qr.contract(),
  'POST /orders/{appTransId}/sync': syncOrder.contract(),
  'GET /orders/{appTransId}/history': orderHistory.contract(),
  'POST /orders/{appTransId}/refunds': createRefund.contract(),
  'GET /orders/{appTransId}/refunds': readRefunds.listContract(),
  'GET /orders/{appTransId}/refunds/{mRefundId}': readRefunds.oneContract(),
  'POST /orders/{appTransId}/cancel': cancelOrder.contract(),
  'GET /reviews': listReviews.contract(),
  'GET /webhooks/dead-letters': deadLetters.listContract(),
  'POST /webhooks/dead-letters/replay': deadLetters.replayContract(),
  'POST /reconciliations': reconciliations.contract(),
  'GET /zalopay/redirect': redirect.contract(),
  'GET /openapi.json': pages.apiDocumentContract(),
  'GET /': pages.checkoutContract(),
  'GET /result': pages.resultContract(),
});

const LOCAL: Server = { url: 'http://localhost:3000', description: '`npm start` on its default port' };

const apiServers = (config: DocumentConfig): Server[] =>
  config.urls
    ? [{ url: config.urls.publicBaseUrl, description: 'This deployment' }]
    : [
        {
          url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
          description: "The stack's HTTP API (its `ApiUrl` output)",
          variables: {
            apiId: { default: 'a1b2c3d4e5', description: 'The API id' },
            region: { default: 'ap-southeast-1', description: 'The AWS region of the stack' },
          },
        },
        LOCAL,
      ];

/**
 * Where ZaloPay calls back. On AWS the callback's own Function URL, which invokes it on any path;
 * the stack sends ZaloPay the URL itself (its `CallbackUrl` output).
 */
const callbackServers = (config: DocumentConfig): Server[] =>
  config.urls
    ? [
        {
          url: config.urls.callbackUrl.endsWith(CALLBACK_PATH)
            ? config.urls.callbackUrl.slice(0, -CALLBACK_PATH.length)
            : config.urls.callbackUrl,
          description: "This deployment's callback URL",
        },
      ]
    : [
        {
          url: 'https://{urlId}.lambda-url.{region}.on.aws',
          description:
            "The callback's Lambda Function URL (the stack's `CallbackUrl` output); any path reaches it",
          variables: {
            urlId: { default: 'abcdefghijklmnopqrstuvwxyz012345', description: 'The Function URL id' },
            region: { default: 'ap-southeast-1', description: 'The AWS region of the stack' },
          },
        },
        LOCAL,
      ];

const DESCRIPTION = `Accept ZaloPay QR payments: create an order, show the buyer a QR of its \`orderUrl\`, learn the
outcome from a long-poll. ZaloPay's callback and redirect come back to this API; orders whose outcome
is unknown are followed by status checks until ZaloPay gives a final answer.

- JSON everywhere, with \`cache-control: no-store\`; every error has the body \`{"error":{"code","message","details"}}\`
  (\`Error\`). Bad input is always a 4xx, never calls ZaloPay and stores nothing.
- Query strings are validated strictly: an unknown parameter is a 400.
- On AWS, API Gateway throttles (429 \`{"message":"Too Many Requests"}\`, 50 requests/s and a burst of 100 by
  default) and answers an unknown route with its own 404 \`{"message":"Not Found"}\`; locally, an unknown route
  is a 404 \`NOT_FOUND\` and a known path with another method a 405 \`METHOD_NOT_ALLOWED\`.
- The document served by a deployment at \`/openapi.json\` states its own URLs, amount limits and whether creating
  an order needs the API key; the one in the repository (\`openapi.json\`) states the defaults.

Design notes live in the repository's docs/http-api.md.`;

/**
 * The OpenAPI 3.1 document of this API (docs/http-api.md §7), made from the schemas the handlers
 * validate with and answer by: `npm run openapi` writes it for the defaults, and every deployment
 * serves its own at `/openapi.json`.
 */
export const apiDocument = (config: DocumentConfig): Record<string, unknown> => {
  const newOrder = newOrderSchema(config);
  const byRoute = contracts(config, newOrder);
  const spec: DocumentSpec = {
    info: {
      title: 'ZaloPay QR payments',
      version: '0.1.0',
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: apiServers(config),
    tags: [
      {
        name: 'Orders',
        description: "Creating and following an order: the checkout, or the merchant's backend.",
      },
      { name: 'Merchant', description: "For the merchant's servers only, with `x-api-key`." },
      {
        name: 'ZaloPay',
        description: "Called by ZaloPay: its server's callback, and the buyer's browser sent back.",
      },
      { name: 'Demo pages', description: 'The demo checkout (locally always; on AWS with `demoPages`).' },
      { name: 'Document', description: 'This document.' },
    ],
    components: {
      NewOrder: newOrder,
      CreatedOrder: createdOrderViewSchema(),
      Order: orderViewSchema(),
      OrderStatus: orderStatusSchema(),
      ReviewReason: reviewReasonSchema(),
      OrderHistory: orderHistory.orderHistorySchema(),
      HistoryEntry: historyEntrySchema(),
      Transition: transitionSchema(),
      ReviewPage: listReviews.reviewPageSchema(),
      ReviewEntry: reviewEntrySchema(),
      Error: errorBodySchema(),
      CallbackBody: callbackBodySchema,
      CallbackAnswer: callbackAnswerSchema,
      OrderEvent: eventEnvelopeSchema(),
      Refund: refundViewSchema(),
      Refunds: refundsViewSchema(),
      NewRefund: newRefundSchema,
    },
    pathParameters: {
      appTransId: {
        description:
          'The order, as `POST /orders` named it (`yymmdd_` and random characters). The merchant routes, and ' +
          '`GET /orders/{appTransId}` with the API key, also take any other id ZaloPay may send (an orphan ' +
          "payment's). An id that is not a stored order is a 404, whatever its shape.",
        schema: appTransIdSchema,
      },
      mRefundId: {
        description: "One refund of the order: its m_refund_id, as the refund's answer named it.",
        schema: z.string(),
      },
    },
    apiKey: {
      header: 'x-api-key',
      description:
        "The merchant API key: `MERCHANT_API_KEY` locally, `merchantApiKey` of the stack's secret on AWS. " +
        'For servers only: browsers may not send it across origins.',
    },
    operations: [
      ...API_ROUTES.map((route) => ({
        method: route.method,
        path: route.path,
        contract: byRoute[`${route.method} ${route.path}` as RouteKey],
      })),
      {
        method: 'POST' as const,
        path: CALLBACK_PATH,
        contract: callback.contract(),
        servers: callbackServers(config),
      },
    ],
    webhooks: { orderEvent: orderEventWebhook },
  };
  return openApiDocument(spec);
};

/** The merchant webhook of docs/events.md §3: what a receiver gets. */
const orderEventWebhook: OperationContract = {
  operationId: 'orderEvent',
  summary: 'An order changed status (planned: docs/events.md)',
  description:
    'POSTed to `WEBHOOK_URL` once per status change a client can see, at least once: deduplicate on ' +
    '`webhook-id`. Signed with Standard Webhooks (the `standardwebhooks` libraries verify it): verify the ' +
    'signature over the raw body before parsing, and answer 2xx within 10 seconds. The same envelope is the ' +
    '`detail` of the EventBridge events. Planned: the contract is fixed, the delivery is not built yet.',
  tag: 'Orders',
  headers: {
    'webhook-id': { description: "The envelope's `id`.", schema: eventIdSchema(), required: true },
    'webhook-timestamp': {
      description: 'When this delivery attempt was made, in Unix seconds.',
      schema: { raw: { type: 'string', pattern: '^\\d+$' } },
      required: true,
    },
    'webhook-signature': {
      description:
        '`v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`; several, space-separated, during a secret rotation.',
      schema: { raw: { type: 'string', pattern: '^v1,' } },
      required: true,
    },
  },
  body: { description: 'The event.', content: { 'application/json': { schema: eventEnvelopeSchema() } } },
  responses: {
    200: {
      description: 'Any 2xx within 10 seconds: delivered. Anything else is retried for at least 24 hours.',
    },
  },
};
