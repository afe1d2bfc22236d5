import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { syncRefunds } from '../shared/core/orders/refund';
import { checkStatus, type StatusCheckDeps } from '../shared/core/orders/status-check';
import { toOrderView } from '../shared/core/orders/view';

export interface Deps extends StatusCheckDeps {
  merchantApiKey: () => Promise<string>;
  config: { publicBaseUrl: string };
}

/**
 * `POST /orders/{appTransId}/sync` (merchant, `x-api-key`): query ZaloPay now, the order and each
 * refund that is not final, and return the order.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const appTransId = anyAppTransIdOf(event);
      const checked = await checkStatus(deps, appTransId, { kind: 'merchant' });
      if (!checked) throw notFound();
      if (!checked.refunds?.length) return json(200, toOrderView(checked, deps.config.publicBaseUrl));
      await syncRefunds(deps, checked);
      const order = (await deps.store.get(appTransId)) ?? checked;
      return json(200, toOrderView(order, deps.config.publicBaseUrl));
    });
