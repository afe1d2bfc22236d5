import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { ApiError } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, bodyText, httpErrors, MAX_BODY_BYTES } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { eventIdSchema } from '../shared/core/events';
import type { Log } from '../shared/core/observability';
import { type DeadLetters, deadLetterSchema, replayedSchema } from '../shared/core/ports/dead-letters';
import { described, intBetween, lazySchema } from '../shared/core/schemas';

export interface Deps {
  deadLetters: DeadLetters;
  log: Log;
  merchantApiKey: () => Promise<string>;
}

/** Dead letters listed per request unless `limit` says otherwise, and the most one request lists. */
export const DEAD_LETTER_PAGE = { default: 100, max: 1000 } as const;

const listQuery = z.strictObject({
  limit: z._default(
    described(intBetween(1, DEAD_LETTER_PAGE.max), {
      description: `At most this many, 1 to ${DEAD_LETTER_PAGE.max}; default ${DEAD_LETTER_PAGE.default}.`,
      examples: [DEAD_LETTER_PAGE.default],
    }),
    DEAD_LETTER_PAGE.default,
  ),
});

/** The body of a replay: the events to deliver again; an empty body, or `{}`, replays every one. */
export const replayRequestSchema = described(
  z.strictObject({
    ids: z.optional(
      described(z.array(eventIdSchema()).check(z.minLength(1), z.maxLength(100)), {
        description: 'The event ids (`webhook-id`) to deliver again, 1 to 100; absent: every dead letter.',
      }),
    ),
  }),
  { description: 'Which dead letters to deliver again.' },
);

/** The answer of `GET /webhooks/dead-letters`. */
export const deadLetterListSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      deadLetters: described(z.array(deadLetterSchema()), { description: 'Oldest event first.' }),
    }),
    { description: "The merchant webhook's dead letters." },
  ),
);

const replayBody = (event: APIGatewayProxyEventV2): unknown => {
  const raw = bodyText(event);
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `the body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
  }
};

/**
 * `GET /webhooks/dead-letters` and `POST /webhooks/dead-letters/replay` (merchant, `x-api-key`):
 * the webhook deliveries given up after their retry window, and their replay under the same ids
 * (docs/events.md §3). The same handler serves the local runtime's table and the stack's SQS
 * dead-letter queue, each behind the {@link DeadLetters} port.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .handler(async (event) => {
      if (event.requestContext.http.method === 'GET') {
        const { limit } = parseOrThrow(listQuery, event.queryStringParameters ?? {});
        return json(200, { deadLetters: await deps.deadLetters.list(limit) });
      }
      const { ids } = parseOrThrow(replayRequestSchema, replayBody(event));
      const replayed = await deps.deadLetters.replay(ids);
      deps.log.info('webhook dead letters replayed', { replayed });
      return json(200, { replayed });
    });

const EXAMPLE_ID = '261128_4kTq9ZbX2mLp7RvN3sWc0e.3';

/** `GET /webhooks/dead-letters` in the API document (functions/openapi.ts). */
export const listContract = (): OperationContract => ({
  operationId: 'listWebhookDeadLetters',
  summary: "The webhook's dead letters (merchant)",
  description:
    'Webhook deliveries given up after their retry window (24 h), oldest event first (docs/events.md §3). ' +
    'Served when the deployment has a webhook (`WEBHOOK_URL`, the `webhookUrl` context).',
  tag: 'Merchant',
  auth: 'merchant',
  query: listQuery,
  responses: {
    200: jsonAnswer('The dead letters.', deadLetterListSchema()),
    ...errorAnswers('VALIDATION_FAILED', 'UNAUTHORIZED', 'INTERNAL'),
  },
});

/** `POST /webhooks/dead-letters/replay` in the API document (functions/openapi.ts). */
export const replayContract = (): OperationContract => ({
  operationId: 'replayWebhookDeadLetters',
  summary: "Delivers the webhook's dead letters again (merchant)",
  description:
    'Puts the named dead letters (or, with no body, every one) back for delivery, each with its own ' +
    '`webhook-id` and a fresh retry window; receivers deduplicate on that id (docs/events.md §3). ' +
    'Ids that are not dead letters are left out of the answer.',
  tag: 'Merchant',
  auth: 'merchant',
  body: {
    description: 'The ids to replay; empty or `{}` for all.',
    content: {
      'application/json': {
        schema: replayRequestSchema,
        examples: { one: { summary: 'One event', value: { ids: [EXAMPLE_ID] } } },
      },
    },
  },
  responses: {
    200: jsonAnswer('What was put back for delivery.', replayedSchema(), {
      one: { summary: 'One event replayed', value: { replayed: [EXAMPLE_ID] } },
    }),
    ...errorAnswers('INVALID_JSON', 'VALIDATION_FAILED', 'UNAUTHORIZED', 'PAYLOAD_TOO_LARGE', 'INTERNAL'),
  },
});
