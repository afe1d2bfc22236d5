import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound } from '../shared/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/http/middleware';
import { appTransIdOf } from '../shared/http/params';
import { checkStatus, type StatusCheckDeps } from '../shared/orders/status-check';
import { toOrderView } from '../shared/orders/view';

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
      const order = await checkStatus(deps, appTransIdOf(event), { kind: 'merchant' });
      if (!order) throw notFound();
      return json(200, toOrderView(order, deps.config.publicBaseUrl));
    });
