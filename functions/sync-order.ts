import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { checkStatus, type StatusCheckDeps } from '../shared/core/orders/status-check';
import { toOrderView } from '../shared/core/orders/view';

export interface Deps extends StatusCheckDeps {
  merchantApiKey: () => Promise<string>;
  config: { publicBaseUrl: string };
}

/** `POST /orders/{appTransId}/sync` (merchant, `x-api-key`): query ZaloPay now and return the order. */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const order = await checkStatus(deps, anyAppTransIdOf(event), { kind: 'merchant' });
      if (!order) throw notFound();
      return json(200, toOrderView(order, deps.config.publicBaseUrl));
    });
