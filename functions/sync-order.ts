import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { EXAMPLE_BASE_URL, EXAMPLE_PAID } from '../shared/core/orders/examples';
import { syncRefunds } from '../shared/core/orders/refund';
import { checkStatus, type StatusCheckDeps } from '../shared/core/orders/status-check';
import { orderViewSchema, toOrderView } from '../shared/core/orders/view';

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

/** `POST /orders/{appTransId}/sync` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'syncOrder',
  summary: 'Query ZaloPay now (merchant)',
  description:
    'Queries ZaloPay for an unsettled order and applies the answer, then returns the order; a settled ' +
    'order is returned without a query. A ZaloPay failure is recorded in the history and the order is ' +
    'returned as it stands. Scheduled checks continue as before.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The order, after the query.', orderViewSchema(), {
      paid: { summary: 'ZaloPay says it is paid', value: toOrderView(EXAMPLE_PAID, EXAMPLE_BASE_URL) },
    }),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL'),
  },
});
