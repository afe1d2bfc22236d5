import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { json, validationFailed } from '../shared/adapters/http/errors';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { Log } from '../shared/core/observability';
import { InvalidCursorError, type OrderStore } from '../shared/core/ports/store';
import { intBetween } from '../shared/core/schemas';

export interface Deps {
  store: Pick<OrderStore, 'listReviews'>;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/** Orders per page unless `limit` says otherwise, and the most one page may hold. */
export const REVIEW_PAGE = { default: 50, max: 100 } as const;

const query = z.strictObject({
  limit: z._default(intBetween(1, REVIEW_PAGE.max), REVIEW_PAGE.default),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/**
 * `GET /reviews` (merchant, `x-api-key`): the orders and orphan payments that wait for a person
 * (REVIEW, or PAID after we had closed them), newest first, a page at a time, read from a sparse
 * index that only holds them (docs/http-api.md §5). `cursor` is the previous page's `nextCursor`.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      const { limit, cursor } = parseOrThrow(query, event.queryStringParameters ?? {});
      try {
        const page = await deps.store.listReviews({ limit, ...(cursor !== undefined && { cursor }) });
        return json(200, { reviews: page.reviews, nextCursor: page.cursor ?? null });
      } catch (error) {
        if (error instanceof InvalidCursorError) {
          throw validationFailed([{ path: 'cursor', message: 'is not a cursor this list gave out' }]);
        }
        throw error;
      }
    });
