import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Log } from '../../core/observability';
import { ApiError, errorResponse, toApiError } from './errors';

/** Bodies over this many bytes are refused before parsing (docs/http-api.md). */
export const MAX_BODY_BYTES = 64 * 1024;

/** An API Gateway v2 / Function URL event whose body the `jsonBody` middleware has parsed. */
export type JsonEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body: unknown };

type Middleware<E = APIGatewayProxyEventV2> = MiddlewareObj<E, APIGatewayProxyResultV2>;

/** The raw body as text, whatever the transport did to it. */
export const bodyText = (event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string =>
  event.isBase64Encoded && event.body
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : (event.body ?? '');

/**
 * Maps every error to the JSON error body of docs/http-api.md. 4xx answers say what was wrong;
 * a 5xx answer is generic and the error itself goes to the log.
 */
export const httpErrors = ({ log }: { log: Log }): Middleware<unknown> => ({
  onError: async (request) => {
    const apiError = toApiError(request.error);
    if (apiError.statusCode >= 500)
      log.error('request failed', { code: apiError.code, error: request.error });
    request.response = errorResponse(apiError);
  },
});

/**
 * Parses a JSON body whatever its content type: over 64 KB → 413 PAYLOAD_TOO_LARGE; empty or not
 * JSON → 400 INVALID_JSON. (middy's own parser answers 415/422, which is not our contract.)
 */
export const jsonBody = ({ maxBytes = MAX_BODY_BYTES } = {}): Middleware<JsonEvent> => ({
  before: async (request) => {
    const event = request.event as unknown as APIGatewayProxyEventV2 & JsonEvent;
    const raw = bodyText(event as APIGatewayProxyEventV2);
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `the body must be at most ${maxBytes} bytes`);
    }
    if (raw.trim() === '') throw new ApiError(400, 'INVALID_JSON', 'the body must be a JSON object');
    try {
      event.body = JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
    }
  },
});

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Whether the request carries the merchant's `x-api-key` (compared in constant time). */
export const hasApiKey = async (
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  apiKey: () => Promise<string>,
): Promise<boolean> => {
  const given = event.headers?.['x-api-key'];
  // Hashing first makes the comparison constant-time whatever the lengths.
  return !!given && timingSafeEqual(digest(given), digest(await apiKey()));
};

/**
 * Requires the merchant's `x-api-key` (compared in constant time). `enabled: false` lets every
 * request through, for `POST /orders` when CREATE_ORDER_AUTH is `none`.
 */
export const apiKeyAuth = ({
  apiKey,
  enabled = true,
}: {
  apiKey: () => Promise<string>;
  enabled?: boolean;
}): Middleware<unknown> => ({
  before: async (request) => {
    if (!enabled) return;
    if (!(await hasApiKey(request.event as APIGatewayProxyEventV2, apiKey))) {
      throw new ApiError(401, 'UNAUTHORIZED', 'a valid x-api-key header is required');
    }
  },
});
