import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { validationFailed } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import type { Log } from '../shared/core/observability';
import { EXAMPLE_PAID_AFTER_CLOSE } from '../shared/core/orders/examples';
import { InvalidCursorError, type OrderStore, reviewEntrySchema } from '../shared/core/ports/store';
import { described, intBetween, lazySchema } from '../shared/core/schemas';

export interface Deps {
  store: Pick<OrderStore, 'listReviews'>;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/** Orders per page unless `limit` says otherwise, and the most one page may hold. */
export const REVIEW_PAGE = { default: 50, max: 100 } as const;

const query = z.strictObject({
  limit: z._default(
    described(intBetween(1, REVIEW_PAGE.max), {
      description: `Orders per page, 1 to ${REVIEW_PAGE.max}; default ${REVIEW_PAGE.default}.`,
      examples: [REVIEW_PAGE.default],
    }),
    REVIEW_PAGE.default,
  ),
  cursor: z.optional(
    described(z.string().check(z.minLength(1), z.maxLength(2048)), {
      description: "The previous page's `nextCursor`.",
    }),
  ),
});

/** The answer of `GET /reviews`. */
export const reviewPageSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      reviews: described(z.array(reviewEntrySchema()), { description: 'Newest first.' }),
      nextCursor: described(z.nullable(z.string()), {
        description: 'Pass it as `cursor` for the next page; null on the last page.',
      }),
    }),
    { description: 'One page of the orders and orphan payments that wait for a person.' },
  ),
);

/** The answer of `GET /reviews`. */
export type ReviewPageView = z.output<ReturnType<typeof reviewPageSchema>>;

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
        const answer: ReviewPageView = { reviews: page.reviews, nextCursor: page.cursor ?? null };
        return json(200, answer);
      } catch (error) {
        if (error instanceof InvalidCursorError) {
          throw validationFailed([{ path: 'cursor', message: 'is not a cursor this list gave out' }]);
        }
        throw error;
      }
    });

/** `GET /reviews` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'listReviews',
  summary: 'Orders that wait for a person (merchant)',
  description:
    'The orders and orphan payments that need a person (REVIEW, or PAID after we had closed them), ' +
    'newest first, a page at a time; read from a sparse index that holds only them (docs/http-api.md §5). ' +
    'An order leaves the list once it no longer needs review.',
  tag: 'Merchant',
  auth: 'merchant',
  query,
  responses: {
    200: jsonAnswer('A page of the list.', reviewPageSchema(), {
      paidAfterClose: {
        summary: 'One order, paid after it had expired',
        value: {
          reviews: [
            {
              appTransId: EXAMPLE_PAID_AFTER_CLOSE.appTransId,
              status: EXAMPLE_PAID_AFTER_CLOSE.status,
              reason: 'PAID_AFTER_CLOSE',
              since: EXAMPLE_PAID_AFTER_CLOSE.updatedAt,
              amount: EXAMPLE_PAID_AFTER_CLOSE.amount,
              paidAmount: EXAMPLE_PAID_AFTER_CLOSE.paidAmount,
              zpTransId: EXAMPLE_PAID_AFTER_CLOSE.zpTransId,
              createdAt: EXAMPLE_PAID_AFTER_CLOSE.createdAt,
            },
          ],
          nextCursor: null,
        } satisfies ReviewPageView,
      },
    }),
    ...errorAnswers('VALIDATION_FAILED', 'UNAUTHORIZED', 'INTERNAL'),
  },
});
