import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { httpErrors } from '../shared/adapters/http/middleware';
import { readableAppTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { Log } from '../shared/core/observability';
import { EXAMPLE_BASE_URL, EXAMPLE_PAID, EXAMPLE_PAID_AFTER_CLOSE } from '../shared/core/orders/examples';
import { ORDER_STATUSES } from '../shared/core/orders/model';
import { type ReadDeps, waitForStatusChange } from '../shared/core/orders/read';
import { orderViewSchema, toOrderView } from '../shared/core/orders/view';
import { described, intBetween } from '../shared/core/schemas';

export interface Deps extends ReadDeps {
  log: Log;
  config: { publicBaseUrl: string };
  /** Only read for an id we never issued (an orphan payment's), which only the merchant may read. */
  merchantApiKey: () => Promise<string>;
}

/** Long-polls stay well inside API Gateway's 30 s integration timeout. */
const MAX_WAIT_SECONDS = 20;

const query = z.strictObject({
  wait: z.optional(
    described(intBetween(0, MAX_WAIT_SECONDS), {
      description: `Long-poll: answer as soon as the status is no longer \`status\`, or after this many seconds (at most ${MAX_WAIT_SECONDS}).`,
      examples: [20],
    }),
  ),
  status: z.optional(
    described(z.enum(ORDER_STATUSES), {
      description: 'With `wait`: the status the client knows; without it, the status the order has now.',
      examples: ['PENDING'],
    }),
  ),
});

/**
 * `GET /orders/{appTransId}`, with `?wait=N&status=S` answering as soon as the status is no longer
 * S, or after N seconds (docs/http-api.md). Without `status`, it waits for a change from the current one.
 * An id we never issued (an orphan payment's) is answered only with the merchant's `x-api-key`.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .handler(async (event) => {
      const appTransId = await readableAppTransIdOf(event, deps.merchantApiKey);
      const { wait, status } = parseOrThrow(query, event.queryStringParameters ?? {});
      let order = await deps.store.get(appTransId);
      if (order && wait) {
        order = await waitForStatusChange(deps, appTransId, status ?? order.status, wait, order);
      }
      if (!order) throw notFound();
      return json(200, toOrderView(order, deps.config.publicBaseUrl));
    });

/** `GET /orders/{appTransId}` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'getOrder',
  summary: 'Read an order, or wait for its status to change',
  description:
    'The order as a client may see it. With `wait`, a long-poll: the answer comes as soon as the ' +
    'status is no longer `status` (or the one first read), or after `wait` seconds with the order ' +
    'as it is, so a page shows the result without reloading and without hammering the API. The id is the ' +
    "buyer's capability: ours need no key; any other id ZaloPay may send (an orphan payment's) is answered " +
    'only with the merchant `x-api-key`, and is a 404 without it.',
  tag: 'Orders',
  auth: 'optional',
  query,
  responses: {
    200: jsonAnswer('The order.', orderViewSchema(), {
      paid: { summary: 'Paid, learnt from the callback', value: toOrderView(EXAMPLE_PAID, EXAMPLE_BASE_URL) },
      paidAfterClose: {
        summary: 'Paid after it had expired: kept, and flagged for review',
        value: toOrderView(EXAMPLE_PAID_AFTER_CLOSE, EXAMPLE_BASE_URL),
      },
    }),
    ...errorAnswers('VALIDATION_FAILED', 'NOT_FOUND', 'INTERNAL'),
  },
});
