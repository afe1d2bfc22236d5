import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { json, notFound } from '../shared/adapters/http/errors';
import { httpErrors } from '../shared/adapters/http/middleware';
import { readableAppTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { Log } from '../shared/core/observability';
import { ORDER_STATUSES } from '../shared/core/orders/model';
import { type ReadDeps, waitForStatusChange } from '../shared/core/orders/read';
import { toOrderView } from '../shared/core/orders/view';
import { intBetween } from '../shared/core/schemas';

export interface Deps extends ReadDeps {
  log: Log;
  config: { publicBaseUrl: string };
  /** Only read for an id we never issued (an orphan payment's), which only the merchant may read. */
  merchantApiKey: () => Promise<string>;
}

/** Long-polls stay well inside API Gateway's 30 s integration timeout. */
const MAX_WAIT_SECONDS = 20;

const query = z.strictObject({
  wait: z.optional(intBetween(0, MAX_WAIT_SECONDS)),
  status: z.optional(z.enum(ORDER_STATUSES)),
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
