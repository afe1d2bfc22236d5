import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, type OperationContract } from '../shared/adapters/http/contract';
import { ApiError, notFound } from '../shared/adapters/http/errors';
import { NOSNIFF } from '../shared/adapters/http/headers';
import { httpErrors } from '../shared/adapters/http/middleware';
import { appTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { QR_LIMITS, renderQr } from '../shared/adapters/qr';
import type { Clock } from '../shared/core/clock';
import type { Log } from '../shared/core/observability';
import { payability } from '../shared/core/orders/model';
import type { OrderStore } from '../shared/core/ports/store';
import { described, intBetween } from '../shared/core/schemas';

export interface Deps {
  /** Only reads: a QR never changes an order. */
  store: Pick<OrderStore, 'get'>;
  clock: Clock;
  log: Log;
}

const bounded = ({ min, max }: { min: number; max: number }) => intBetween(min, max);

const query = z.strictObject({
  format: described(z._default(z.enum(['svg', 'png']), 'svg'), {
    description: 'SVG (sharper, smaller) or PNG (for clients that need a bitmap).',
  }),
  content: described(z._default(z.enum(['orderUrl', 'vietqr']), 'orderUrl'), {
    description:
      "`orderUrl`: ZaloPay's order_url, scanned with ZaloPay; `vietqr`: ZaloPay's VietQR payload, " +
      'scanned with a banking app.',
  }),
  size: described(z._default(bounded(QR_LIMITS.size), QR_LIMITS.size.default), { description: 'Pixels.' }),
  margin: described(z._default(bounded(QR_LIMITS.margin), QR_LIMITS.margin.default), {
    description: 'Quiet zone, in modules.',
  }),
});

/**
 * `If-None-Match` as RFC 9110 §13.1.2 reads it: a list of tags (a cache or proxy may send
 * several, marked weak) or `*`, compared weakly.
 */
export const matchesEtag = (ifNoneMatch: string | undefined, etag: string): boolean =>
  (ifNoneMatch ?? '').split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag;
  });

/**
 * `GET /orders/{appTransId}/qr`: the QR of the order's `order_url` (scan with ZaloPay) or of
 * ZaloPay's VietQR payload (scan with a banking app), as SVG or PNG. 410 once the order can no
 * longer be paid; cached at most until it expires, with an ETag.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .handler(async (event) => {
      const appTransId = appTransIdOf(event);
      const options = parseOrThrow(query, event.queryStringParameters ?? {});
      const order = await deps.store.get(appTransId);
      if (!order) throw notFound();
      const payable = payability(order, deps.clock());
      if (!payable.payable) throw new ApiError(410, 'ORDER_NOT_PAYABLE', payable.reason);
      const { orderUrl, secondsLeft } = payable;
      const text = options.content === 'vietqr' ? order.qrCode : orderUrl;
      if (!text) throw notFound('VietQR code for this order');

      const etag = `"${createHash('sha256')
        .update(JSON.stringify([text, options.format, options.size, options.margin]))
        .digest('base64url')
        .slice(0, 27)}"`;
      const headers = {
        etag,
        // Never cached past the moment the order stops being payable.
        'cache-control': `private, max-age=${secondsLeft}`,
        ...NOSNIFF,
      };
      if (matchesEtag(event.headers?.['if-none-match'], etag)) return { statusCode: 304, headers };
      const image = await renderQr(text, options);
      const binary = options.format === 'png';
      return {
        statusCode: 200,
        headers: { ...headers, 'content-type': image.contentType },
        body: image.body.toString(binary ? 'base64' : 'utf8'),
        isBase64Encoded: binary,
      };
    });

/** `GET /orders/{appTransId}/qr` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => {
  const imageHeaders = {
    ETag: {
      description: 'Identifies the image: a quoted base64url digest of what it shows.',
      schema: described(z.string().check(z.regex(/^"[\w-]{27}"$/)), {
        examples: ['"q1Z9n0m7Jc0kT3yVbX2mLp7RvN3"'],
      }),
      required: true,
    },
    'Cache-Control': {
      description: 'Cached at most until the order stops being payable (`expiresAt`).',
      schema: described(z.string().check(z.regex(/^private, max-age=\d+$/)), {
        examples: ['private, max-age=842'],
      }),
      required: true,
    },
  };
  return {
    operationId: 'getOrderQr',
    summary: 'The QR image of an order',
    description:
      'The QR a buyer scans to pay, with error correction H (30 %), so a logo may cover its centre. Gone ' +
      '(410) once the order cannot be paid; cached at most until it expires, with an ETag.',
    tag: 'Orders',
    query,
    headers: {
      'If-None-Match': {
        description: 'An ETag of this QR the client has: 304 without a body when it still matches.',
        schema: z.string(),
      },
    },
    responses: {
      200: {
        description: 'The image.',
        headers: imageHeaders,
        content: { 'image/svg+xml': { schema: { raw: { type: 'string' } } }, 'image/png': {} },
      },
      304: {
        description: "The client's copy (`If-None-Match`) is still the image.",
        headers: imageHeaders,
      },
      ...errorAnswers('VALIDATION_FAILED', 'NOT_FOUND', 'ORDER_NOT_PAYABLE', 'INTERNAL'),
    },
  };
};
