import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { json } from '../shared/adapters/http/headers';
import { bodyText, MAX_BODY_BYTES } from '../shared/adapters/http/middleware';
import {
  type CallbackAnswer,
  type CallbackDeps,
  callbackAnswerSchema,
  handleCallback,
} from '../shared/core/orders/callback';
import { callbackBodySchema } from '../shared/core/zalopay/callback';

export type Deps = CallbackDeps;

const answer = (body: CallbackAnswer): APIGatewayProxyStructuredResultV2 => json(200, body);

/**
 * `POST /zalopay/callback` (Lambda Function URL): always HTTP 200 with ZaloPay's
 * `{return_code, return_message}`. Unreadable bodies are refused with -1 (ZaloPay must not retry
 * them); any failure of ours answers 0 with nothing changed, so ZaloPay calls again.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event) => {
    const raw = bodyText(event);
    let body: unknown;
    try {
      if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new RangeError('body too large');
      body = JSON.parse(raw);
    } catch {
      deps.metrics.count('CallbackRejected');
      deps.log.warn('callback refused', { reason: 'unreadable body' });
      return answer({ return_code: -1, return_message: 'refused: malformed' });
    }
    try {
      return answer(await handleCallback(deps, body));
    } catch (error) {
      deps.metrics.count('CallbackFailed');
      deps.log.error('callback failed; ZaloPay will retry', { error });
      return answer({ return_code: 0, return_message: 'internal error, please retry' });
    }
  });

/** `POST /zalopay/callback` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'zalopayCallback',
  summary: "ZaloPay's callback: the buyer has paid",
  description:
    "Called by ZaloPay's server when it has taken the money, never by a client. The MAC is checked " +
    'over the raw `data` string, in constant time, against key2 (and, during a rotation, the previous ' +
    'key2) before anything is parsed. Always HTTP 200: `return_code` tells ZaloPay whether to call again.',
  tag: 'ZaloPay',
  body: {
    description: 'As ZaloPay sends it.',
    content: { 'application/json': { schema: callbackBodySchema } },
  },
  responses: {
    200: jsonAnswer("Our answer, in ZaloPay's terms.", callbackAnswerSchema, {
      processed: { summary: 'Verified and applied', value: { return_code: 1, return_message: 'success' } },
      duplicate: {
        summary: 'Verified; the payment was already recorded',
        value: { return_code: 2, return_message: 'already processed' },
      },
      refused: {
        summary: 'Wrong MAC: nothing changes',
        value: { return_code: -1, return_message: 'refused: bad-mac' },
      },
      retry: {
        summary: 'Our failure: nothing changed, ZaloPay calls again',
        value: { return_code: 0, return_message: 'internal error, please retry' },
      },
    }),
  },
});
