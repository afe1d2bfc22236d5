import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { OrderNotCancellableError } from '../../core/orders/cancel';
import { OrderCreationError } from '../../core/orders/create';
import { RefundRefusedError } from '../../core/orders/refund';
import { described, lazySchema } from '../../core/schemas';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../core/zalopay/errors';
import { json } from './headers';

/**
 * The error codes of docs/http-api.md §1: the HTTP statuses each is answered with, and when. The API
 * document lists, per route, the codes it can answer (functions/openapi.ts).
 */
export const API_ERRORS = {
  INVALID_JSON: { status: [400], when: 'The body is empty or not JSON (whatever the content-type).' },
  VALIDATION_FAILED: {
    status: [400],
    when: 'A field, a query parameter or the Idempotency-Key header is wrong; every problem is in `details`.',
  },
  UNAUTHORIZED: { status: [401], when: 'No `x-api-key`, or not the merchant API key.' },
  NOT_FOUND: { status: [404], when: 'No such order (any id, whatever its shape).' },
  METHOD_NOT_ALLOWED: {
    status: [405],
    when: 'Local server only: the path exists, not with this method (API Gateway answers 404 itself).',
  },
  IDEMPOTENCY_CONFLICT: {
    status: [409],
    when:
      'The Idempotency-Key was used with another body, or a request with it is still in progress ' +
      '(then with `Retry-After`).',
  },
  ORDER_NOT_PAYABLE: {
    status: [410],
    when: 'The order is not PENDING, has no order_url, or is past `expiresAt`: its QR is gone.',
  },
  ORDER_NOT_REFUNDABLE: { status: [409], when: 'A refund of an order that is not paid.' },
  REFUND_EXCEEDS_REFUNDABLE: {
    status: [409],
    when: 'A refund of more than is left (every refund that has not failed counts); `refundableAmount` says how much is.',
  },
  ORDER_NOT_CANCELLABLE: {
    status: [409],
    when: 'A cancel of an order that is no longer open; `status` says where it is.',
  },
  PAYLOAD_TOO_LARGE: { status: [413], when: 'The body is over 64 KB (65,536 bytes of UTF-8).' },
  ZALOPAY_REJECTED: {
    status: [502],
    when: "ZaloPay refused the create; `error` carries ZaloPay's codes and the `appTransId`, now FAILED.",
  },
  ZALOPAY_UNAVAILABLE: {
    status: [503, 504],
    when:
      'No usable answer from ZaloPay (504: timed out; 503: unreachable, or not its JSON). The outcome ' +
      'is unknown: the order `appTransId` stays CREATING until its status check settles it.',
  },
  STARTING_UP: {
    status: [503],
    when: 'Local runtime only: it is still starting (with `Retry-After`); try again in a moment.',
  },
  INTERNAL: { status: [500], when: 'Anything unexpected; the body is generic, the error goes to the log.' },
} as const satisfies Record<string, { status: readonly number[]; when: string }>;

/** The error codes of docs/http-api.md §1. */
export type ErrorCode = keyof typeof API_ERRORS;

/** The HTTP statuses `code` may be answered with. */
export type StatusOf<C extends ErrorCode> = (typeof API_ERRORS)[C]['status'][number];

const ERROR_CODES = Object.keys(API_ERRORS) as [ErrorCode, ...ErrorCode[]];

const errorDetailSchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    path: described(z.string(), {
      description: 'Where: a dotted path into the body, a query parameter or a header name.',
      examples: ['items[0].price'],
    }),
    message: described(z.string(), {
      description: 'What is wrong with it.',
      examples: ['must be an integer'],
    }),
  }),
);

/** One problem of a VALIDATION_FAILED. */
export type ErrorDetail = z.output<ReturnType<typeof errorDetailSchema>>;

/**
 * The body of every error answer (docs/http-api.md §1), built by {@link errorResponse} alone. The
 * fields after `details` appear only with the codes that carry them.
 */
export const errorBodySchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      error: z.strictObject({
        code: described(z.enum(ERROR_CODES), {
          description: ERROR_CODES.map((c) => `${c} (${API_ERRORS[c].status.join(', ')})`).join(', '),
        }),
        message: described(z.string(), {
          description: 'For a 4xx, what is wrong; for a 5xx, a generic text.',
          examples: ['the request is not valid'],
        }),
        details: z.optional(
          described(z.array(errorDetailSchema()), {
            description: 'VALIDATION_FAILED only: every problem found.',
          }),
        ),
        appTransId: z.optional(
          described(z.string(), {
            description: 'ZALOPAY_REJECTED and ZALOPAY_UNAVAILABLE: the order concerned.',
            examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
          }),
        ),
        returnCode: z.optional(
          described(z.int(), { description: "ZALOPAY_REJECTED: ZaloPay's return_code." }),
        ),
        subReturnCode: z.optional(
          described(z.nullable(z.int()), {
            description: "ZALOPAY_REJECTED: ZaloPay's sub_return_code, or null when it gave none.",
          }),
        ),
        subReturnMessage: z.optional(
          described(z.string(), { description: "ZALOPAY_REJECTED: ZaloPay's sub_return_message." }),
        ),
        refundableAmount: z.optional(
          described(z.int(), {
            description: 'REFUND_EXCEEDS_REFUNDABLE: how much can still be refunded (VND).',
          }),
        ),
        status: z.optional(
          described(z.string(), {
            description: 'ORDER_NOT_CANCELLABLE: where the order is.',
            examples: ['PAID'],
          }),
        ),
      }),
    }),
    { description: 'Every error answer: `{"error":{"code","message","details"}}` (docs/http-api.md §1).' },
  ),
);

/** The body of every error answer. */
export type ErrorBody = z.output<ReturnType<typeof errorBodySchema>>;

/** The fields some codes add inside `error`. */
export type ErrorExtra = Partial<
  Pick<
    ErrorBody['error'],
    'appTransId' | 'returnCode' | 'subReturnCode' | 'subReturnMessage' | 'refundableAmount' | 'status'
  >
>;

/** An error with its HTTP answer: thrown anywhere in a handler, answered by `httpErrors`. */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'ApiError';
  readonly details: readonly ErrorDetail[] | undefined;
  readonly extra: ErrorExtra | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(
    readonly statusCode: StatusOf<C>,
    readonly code: C,
    message: string,
    options: {
      details?: readonly ErrorDetail[];
      /** Fields added inside `error` (ZaloPay's codes on ZALOPAY_REJECTED). */
      extra?: ErrorExtra;
      /** Headers of the answer (`Retry-After`). */
      headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
    this.details = options.details;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

export const notFound = (what = 'order'): ApiError => new ApiError(404, 'NOT_FOUND', `no such ${what}`);

export const validationFailed = (
  details: readonly ErrorDetail[],
  message = 'the request is not valid',
): ApiError => new ApiError(400, 'VALIDATION_FAILED', message, { details });

/**
 * The one place errors become HTTP answers. Client errors say what is wrong; ZaloPay's refusals
 * carry its codes; anything unexpected is a generic 500 whose details stay in the logs.
 */
export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  const apiError = toApiError(error);
  const body: ErrorBody = {
    error: {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.details ? { details: [...apiError.details] } : {}),
      ...apiError.extra,
    },
  };
  return json(apiError.statusCode, body, { ...apiError.headers });
};

export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error;
  if (error instanceof OrderCreationError) {
    const inner = toApiError(error.cause);
    return new ApiError(inner.statusCode, inner.code, inner.message, {
      extra: { ...inner.extra, appTransId: error.appTransId },
    });
  }
  if (error instanceof RefundRefusedError) {
    const { code, message } = error.refusal;
    return new ApiError(
      409,
      code,
      message,
      error.refusal.code === 'REFUND_EXCEEDS_REFUNDABLE'
        ? { extra: { refundableAmount: error.refusal.refundable } }
        : {},
    );
  }
  if (error instanceof OrderNotCancellableError) {
    return new ApiError(409, 'ORDER_NOT_CANCELLABLE', error.message, { extra: { status: error.status } });
  }
  if (error instanceof ZaloPayRejectedError) {
    return new ApiError(502, 'ZALOPAY_REJECTED', 'ZaloPay refused the request', {
      extra: {
        returnCode: error.returnCode,
        subReturnCode: error.subReturnCode ?? null,
        subReturnMessage: error.subReturnMessage,
      },
    });
  }
  if (error instanceof ZaloPayUnavailableError) {
    return error.reason === 'timeout'
      ? new ApiError(504, 'ZALOPAY_UNAVAILABLE', 'ZaloPay did not answer in time; the order will be checked')
      : new ApiError(503, 'ZALOPAY_UNAVAILABLE', 'ZaloPay could not be reached; the order will be checked');
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
};
