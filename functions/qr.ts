import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ApiError, NOSNIFF, notFound } from '../shared/adapters/http/errors';
import { httpErrors } from '../shared/adapters/http/middleware';
import { appTransIdOf } from '../shared/adapters/http/params';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { QR_LIMITS, renderQr } from '../shared/adapters/qr';
import type { Clock } from '../shared/core/clock';
import type { Log } from '../shared/core/observability';
import { payability } from '../shared/core/orders/model';
import type { OrderStore } from '../shared/core/ports/store';
import { intBetween } from '../shared/core/schemas';

export interface Deps {
  /** Only reads: a QR never changes an order. */
  store: Pick<OrderStore, 'get'>;
  clock: Clock;
  log: Log;
}

const bounded = ({ min, max }: { min: number; max: number }) => intBetween(min, max);

const query = z.strictObject({
  format: z._default(z.enum(['svg', 'png']), 'svg'),
  content: z._default(z.enum(['orderUrl', 'vietqr']), 'orderUrl'),
  size: z._default(bounded(QR_LIMITS.size), QR_LIMITS.size.default),
  margin: z._default(bounded(QR_LIMITS.margin), QR_LIMITS.margin.default),
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
