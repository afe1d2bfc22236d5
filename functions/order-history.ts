import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import type { Log } from '../shared/core/observability';
import type { OrderStore } from '../shared/core/ports/store';

export interface Deps {
  store: OrderStore;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/**
 * `GET /orders/{appTransId}/history` (merchant, `x-api-key`): the order's change records (kept in
 * the order by the writes that made them), its metadata, and every verified callback and query
 * answer with what it changed, oldest first, so an operator can see why. Any id ZaloPay could
 * send is readable: orphan payments carry ids we never issued.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const appTransId = anyAppTransIdOf(event);
      const [order, history] = await Promise.all([
        deps.store.get(appTransId),
        deps.store.history(appTransId),
      ]);
      if (!order) throw notFound();
      return json(200, {
        appTransId,
        status: order.status,
        ...(order.review && { review: order.review }),
        ...(order.metadata && { metadata: order.metadata }),
        transitions: order.transitions ?? [],
        history,
      });
    });
