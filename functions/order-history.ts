import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { json, notFound } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { appTransIdOf } from '../shared/adapters/http/params';
import type { Log } from '../shared/core/observability';
import { EXAMPLE_HISTORY, EXAMPLE_PAID } from '../shared/core/orders/examples';
import { historyEntrySchema, orderStatusSchema } from '../shared/core/orders/model';
import type { OrderStore } from '../shared/core/ports/store';
import { described } from '../shared/core/schemas';

export interface Deps {
  store: OrderStore;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/**
 * `GET /orders/{appTransId}/history` (merchant, `x-api-key`): every verified callback and query
 * answer for the order and what it changed, oldest first, so an operator can see why.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const appTransId = appTransIdOf(event);
      const [order, history] = await Promise.all([
        deps.store.get(appTransId),
        deps.store.history(appTransId),
      ]);
      if (!order) throw notFound();
      const answer: OrderHistory = { appTransId, status: order.status, history };
      return json(200, answer);
    });

/** The answer of `GET /orders/{appTransId}/history`. */
export const orderHistorySchema = described(
  z.strictObject({
    appTransId: z.string(),
    status: orderStatusSchema,
    history: described(z.array(historyEntrySchema), { description: 'Oldest first.' }),
  }),
  { description: "An order's status and every verified callback and query answer, with what each changed." },
);

/** The answer of `GET /orders/{appTransId}/history`. */
export type OrderHistory = z.output<typeof orderHistorySchema>;

/** `GET /orders/{appTransId}/history` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'getOrderHistory',
  summary: "An order's history (merchant)",
  description:
    'Every verified callback and every query answer for the order, oldest first, with what each ' +
    'changed (docs/state-machine.md §4): for reconciliation, support and disputes.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The history.', orderHistorySchema, {
      paid: {
        summary: 'Paid by the callback',
        value: { appTransId: EXAMPLE_PAID.appTransId, status: EXAMPLE_PAID.status, history: EXAMPLE_HISTORY },
      },
    }),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL'),
  },
});
