import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import type { Log } from '../shared/core/observability';
import { toRefundsView, toRefundView } from '../shared/core/orders/view';
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
