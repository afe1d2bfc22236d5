import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import type { Log } from '../shared/core/observability';
import { EXAMPLE_HISTORY, EXAMPLE_PAID } from '../shared/core/orders/examples';
import {
  type HistoryEntry,
  historyEntrySchema,
  type Order,
  orderStatusSchema,
  reviewReasonSchema,
  transitionSchema,
} from '../shared/core/orders/model';
import type { OrderStore } from '../shared/core/ports/store';
import { described, lazySchema } from '../shared/core/schemas';

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
      return json(200, historyView(order, history));
    });

/** The answer for `order` and its history. */
const historyView = (order: Order, history: HistoryEntry[]): OrderHistory => ({
  appTransId: order.appTransId,
  status: order.status,
  ...(order.review && { review: order.review }),
  ...(order.metadata && { metadata: order.metadata }),
  transitions: [...(order.transitions ?? [])],
  history,
});

/** The answer of `GET /orders/{appTransId}/history`. */
export const orderHistorySchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: z.string(),
      status: orderStatusSchema(),
      review: z.optional(
        described(z.strictObject({ reason: reviewReasonSchema() }), {
          description: 'Why the order needs a person, when it does.',
        }),
      ),
      metadata: z.optional(
        described(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), {
          description: 'The metadata given to `POST /orders`, as stored.',
        }),
      ),
      transitions: described(z.array(transitionSchema()), {
        description: 'Every change of status or review flag, oldest first: the last 20.',
      }),
      history: described(z.array(historyEntrySchema()), { description: 'Oldest first.' }),
    }),
    {
      description:
        "An order's status, its change records, its metadata, and every verified callback and query answer " +
        'with what each changed.',
    },
  ),
);

/** The answer of `GET /orders/{appTransId}/history`. */
export type OrderHistory = z.output<ReturnType<typeof orderHistorySchema>>;

/** `GET /orders/{appTransId}/history` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'getOrderHistory',
  summary: "An order's history (merchant)",
  description:
    'The change records of the order (docs/state-machine.md §5), its metadata, and every verified ' +
    'callback and query answer, oldest first, with what each changed (docs/state-machine.md §4): for ' +
    'reconciliation, support and disputes. Any id ZaloPay could send is readable: orphan payments ' +
    'carry ids we never issued.',
  tag: 'Merchant',
  auth: 'merchant',
  responses: {
    200: jsonAnswer('The history.', orderHistorySchema(), {
      paid: {
        summary: 'Paid by the callback',
        value: historyView(EXAMPLE_PAID, EXAMPLE_HISTORY),
      },
    }),
    ...errorAnswers('UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL'),
  },
});
