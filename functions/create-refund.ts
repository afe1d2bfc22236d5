import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { json, notFound, validationFailed } from '../shared/adapters/http/errors';
import { idempotencyKeyOf, withIdempotency } from '../shared/adapters/http/idempotency';
import { apiKeyAuth, httpErrors, type JsonEvent, jsonBody } from '../shared/adapters/http/middleware';
import { anyAppTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { newRefundSchema } from '../shared/core/orders/input';
import { type RefundDeps, requestRefund } from '../shared/core/orders/refund';
import { toRefundView } from '../shared/core/orders/view';
import type { IdempotencyStore } from '../shared/core/ports/store';

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
