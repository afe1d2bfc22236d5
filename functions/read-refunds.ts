import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import type { Log } from '../shared/core/observability';
import { refundsViewSchema, refundViewSchema, toRefundsView, toRefundView } from '../shared/core/orders/view';
import type { OrderStore } from '../shared/core/ports/store';

export interface Deps {
  store: OrderStore;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/**
 * `GET /orders/{appTransId}/refunds` and `GET /orders/{appTransId}/refunds/{mRefundId}` (merchant,
 * `x-api-key`): the order's refund ledger with its totals, or one refund (docs/http-api.md §5).
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const appTransId = anyAppTransIdOf(event);
      const order = await deps.store.get(appTransId);
      if (!order) throw notFound();
      const mRefundId = event.pathParameters?.mRefundId;
      if (mRefundId === undefined) return json(200, toRefundsView(order));
      const refund = order.refunds?.find((r) => r.mRefundId === mRefundId);
      if (!refund) throw notFound('refund');
      return json(200, { appTransId, refund: toRefundView(refund) });
    });

/** `GET /orders/{appTransId}/refunds` in the API document (functions/openapi.ts). */
export const listContract = (): OperationContract => ({
  operationId: 'listRefunds',
  summary: "The order's refund ledger (merchant)",
  description: 'What was paid, refunded and can still be refunded, and every refund, oldest first.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The ledger.', refundsViewSchema()),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL'),
  },
});

/** `GET /orders/{appTransId}/refunds/{mRefundId}` in the API document (functions/openapi.ts). */
export const oneContract = (): OperationContract => ({
  operationId: 'getRefund',
  summary: 'One refund of the order (merchant)',
  description: 'The refund, or 404 when the order has no refund of that id.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The refund.', z.strictObject({ appTransId: z.string(), refund: refundViewSchema() })),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL'),
  },
});
