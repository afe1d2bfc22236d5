import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { notFound, validationFailed } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { idempotencyKeyOf, withIdempotency } from '../shared/adapters/http/idempotency';
import { apiKeyAuth, httpErrors, type JsonEvent, jsonBody } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { newRefundSchema } from '../shared/core/orders/input';
import { orderStatusSchema } from '../shared/core/orders/model';
import { type RefundDeps, requestRefund } from '../shared/core/orders/refund';
import { refundViewSchema, toRefundView } from '../shared/core/orders/view';
import type { IdempotencyStore } from '../shared/core/ports/store';
import { lazySchema } from '../shared/core/schemas';

export interface Deps extends RefundDeps {
  idempotency: IdempotencyStore;
  merchantApiKey: () => Promise<string>;
}

/**
 * `POST /orders/{appTransId}/refunds` (merchant, `x-api-key`, `Idempotency-Key` required): refunds
 * part or all of a paid order (docs/http-api.md §5). 201 with the refund once ZaloPay has said
 * (SUCCEEDED or FAILED), 202 while it is processing (it is followed until final); 409 when the
 * order cannot be refunded or the amount exceeds what is left. A retry with the same key answers
 * the same refund, and never refunds twice, even after the key's record has expired: the order's
 * ledger keeps the key's hash.
 */
export const makeHandler = (deps: Deps) => {
  // A claim outlives the ZaloPay call it guards; after that a crashed attempt frees the key.
  const idempotency = { ...deps, leaseMs: deps.zalopayTimeoutMs + 30_000 };
  return middy<JsonEvent, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .use(jsonBody())
    .handler(async (event) => {
      const appTransId = anyAppTransIdOf(event);
      const input = parseOrThrow(newRefundSchema, event.body);
      const key = idempotencyKeyOf(event.headers);
      // Money leaves the merchant's account: a retried request without a key could refund twice.
      if (key === undefined) {
        throw validationFailed(
          [{ path: 'Idempotency-Key', message: 'is required: a retry without it could refund twice' }],
          'a refund needs an Idempotency-Key header',
        );
      }
      // Scoped to the order: the same key on two orders is two different requests.
      const scope = { appTransId, body: event.body };
      return withIdempotency(idempotency, key, scope, async () => {
        const keyHash = createHash('sha256').update(key, 'utf8').digest('hex');
        const outcome = await requestRefund(deps, appTransId, { ...input, keyHash });
        if (!outcome) throw notFound();
        const { refund } = outcome;
        const processing = refund.status === 'PROCESSING' || refund.status === 'RESERVED';
        return json(processing ? 202 : 201, {
          appTransId,
          refund: toRefundView(refund),
          refundedAmount: outcome.order.refundedAmount,
          orderStatus: outcome.order.status,
        });
      });
    });
};

const refundAnswerSchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    appTransId: z.string(),
    refund: refundViewSchema(),
    refundedAmount: z.int(),
    orderStatus: orderStatusSchema(),
  }),
);

/** `POST /orders/{appTransId}/refunds` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'createRefund',
  summary: 'Refund part or all of a paid order (merchant)',
  description:
    "Reserves the amount in the order's refund ledger (concurrent refunds never exceed what was paid), " +
    'asks ZaloPay once, and answers with the refund: 201 once ZaloPay has said (SUCCEEDED or FAILED), ' +
    '202 while it is PROCESSING (followed by query_refund until final). The Idempotency-Key is ' +
    'required: the same key always answers the same refund, never a second one.',
  tag: 'Merchant',
  auth: 'merchant',
  headers: {
    'Idempotency-Key': {
      description: 'Required: 1–255 printable ASCII characters, scoped to the order.',
      schema: z.string(),
      required: true,
    },
  },
  body: {
    description: 'How much to refund, and why.',
    content: { 'application/json': { schema: newRefundSchema } },
  },
  responses: {
    201: jsonAnswer(
      'ZaloPay gave a final answer: SUCCEEDED, or FAILED with its codes.',
      refundAnswerSchema(),
    ),
    202: jsonAnswer(
      'ZaloPay is processing it, or did not answer: it is followed until final.',
      refundAnswerSchema(),
    ),
    ...errorAnswers(
      'INVALID_JSON',
      'VALIDATION_FAILED',
      'UNAUTHORIZED',
      'NOT_FOUND',
      'IDEMPOTENCY_CONFLICT',
      'ORDER_NOT_REFUNDABLE',
      'REFUND_EXCEEDS_REFUNDABLE',
      'INTERNAL',
    ),
  },
});
