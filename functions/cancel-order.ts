import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { type CancelDeps, cancelOrder } from '../shared/core/orders/cancel';
import { orderViewSchema, toOrderView } from '../shared/core/orders/view';

export interface Deps extends CancelDeps {
  merchantApiKey: () => Promise<string>;
  config: { publicBaseUrl: string };
}

/**
 * `POST /orders/{appTransId}/cancel` (merchant, `x-api-key`): closes an unpaid order
 * (docs/http-api.md §5): 200 with the order, EXPIRED with `closedReason` CANCELLED; 409 when it is
 * past cancelling. Cancelling again answers the same.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const order = await cancelOrder(deps, anyAppTransIdOf(event));
      if (!order) throw notFound();
      return json(200, toOrderView(order, deps.config.publicBaseUrl));
    });

/** `POST /orders/{appTransId}/cancel` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'cancelOrder',
  summary: 'Close an unpaid order (merchant)',
  description:
    'ZaloPay has no cancel: the order is closed here, EXPIRED with closedReason CANCELLED, and its QR ' +
    'answers 410 at once. Its checks go on until ZaloPay confirms it unpaid; a payment that still ' +
    'arrives makes it PAID, flagged PAID_AFTER_CLOSE. Cancelling again answers the same.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The order, closed.', orderViewSchema()),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'ORDER_NOT_CANCELLABLE', 'INTERNAL'),
  },
});
