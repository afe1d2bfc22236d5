import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OrderNotCancellableError } from '../../core/orders/cancel';
import { OrderCreationError } from '../../core/orders/create';
import { RefundRefusedError } from '../../core/orders/refund';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../core/zalopay/errors';

/** The error codes of docs/http-api.md. */
export type ErrorCode =
  | 'INVALID_JSON'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'ORDER_NOT_PAYABLE'
  | 'ORDER_NOT_REFUNDABLE'
  | 'REFUND_EXCEEDS_REFUNDABLE'
  | 'ORDER_NOT_CANCELLABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'ZALOPAY_REJECTED'
  | 'ZALOPAY_UNAVAILABLE'
  | 'STARTING_UP'
  | 'INTERNAL';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error with its HTTP answer: thrown anywhere in a handler, answered by `httpErrors`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
    /** Extra fields inside `error` (ZaloPay's codes on ZALOPAY_REJECTED). */
    readonly extra?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'order'): ApiError => new ApiError(404, 'NOT_FOUND', `no such ${what}`);

export const validationFailed = (
  details: readonly ErrorDetail[],
  message = 'the request is not valid',
): ApiError => new ApiError(400, 'VALIDATION_FAILED', message, details);

/** On every answer of ours: a browser must never read a body as another type than the one we say. */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  ...NOSNIFF,
} as const;

/** A JSON response with our standard headers. */
export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/**
 * The one place errors become HTTP answers. Client errors say what is wrong; ZaloPay's refusals
 * carry its codes; anything unexpected is a generic 500 whose details stay in the logs.
 */
export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  const apiError = toApiError(error);
  return json(apiError.statusCode, {
    error: {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.details ? { details: apiError.details } : {}),
      ...apiError.extra,
    },
  });
};

export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error;
  if (error instanceof OrderCreationError) {
    const inner = toApiError(error.cause);
    return new ApiError(inner.statusCode, inner.code, inner.message, undefined, {
      ...inner.extra,
      appTransId: error.appTransId,
    });
  }
  if (error instanceof RefundRefusedError) {
    const { code, message } = error.refusal;
    return new ApiError(
      409,
      code,
      message,
      undefined,
      error.refusal.code === 'REFUND_EXCEEDS_REFUNDABLE'
        ? { refundableAmount: error.refusal.refundable }
        : undefined,
    );
  }
  if (error instanceof OrderNotCancellableError) {
    return new ApiError(409, 'ORDER_NOT_CANCELLABLE', error.message, undefined, { status: error.status });
  }
  if (error instanceof ZaloPayRejectedError) {
    return new ApiError(502, 'ZALOPAY_REJECTED', 'ZaloPay refused the request', undefined, {
      returnCode: error.returnCode,
      subReturnCode: error.subReturnCode ?? null,
      subReturnMessage: error.subReturnMessage,
    });
  }
  if (error instanceof ZaloPayUnavailableError) {
    return error.reason === 'timeout'
      ? new ApiError(504, 'ZALOPAY_UNAVAILABLE', 'ZaloPay did not answer in time; the order will be checked')
      : new ApiError(503, 'ZALOPAY_UNAVAILABLE', 'ZaloPay could not be reached; the order will be checked');
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
};
