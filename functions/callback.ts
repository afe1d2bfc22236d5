import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from '../shared/adapters/http/errors';
import { bodyText, MAX_BODY_BYTES } from '../shared/adapters/http/middleware';
import { type CallbackAnswer, type CallbackDeps, handleCallback } from '../shared/core/orders/callback';

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
