import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { htmlAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { NOSNIFF } from '../shared/adapters/http/headers';
import { htmlPage } from '../shared/adapters/http/html-page';
import type { AppConfig } from '../shared/core/config';
import { handleRedirect, type RedirectDeps, returnTarget } from '../shared/core/orders/redirect';
import { described } from '../shared/core/schemas';
import { redirectQuerySchema } from '../shared/core/zalopay/callback';

export interface Deps extends RedirectDeps {
  config: Pick<AppConfig, 'publicBaseUrl' | 'returnUrlOrigins'>;
}

/**
 * `GET /zalopay/redirect`: where ZaloPay sends the buyer's browser. A bad checksum gets an HTML
 * error page (400), never a success screen. A valid one sends the browser on (302) to the order's
 * `returnUrl` if its origin is still allowed, else our `/result` page, with `appTransId` and our
 * verified order status.
 */
export const makeHandler = (deps: Deps) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(async (event) => {
    let outcome: Awaited<ReturnType<typeof handleRedirect>>;
    try {
      outcome = await handleRedirect(deps, event.queryStringParameters ?? {});
    } catch (error) {
      deps.log.error('redirect failed', { error });
      return htmlPage(
        500,
        'Không thể kiểm tra thanh toán / Could not check the payment',
        'Vui lòng tải lại trang sau giây lát. Please reload this page in a moment.',
      );
    }
    if (outcome.kind === 'invalid') {
      deps.log.warn('redirect with an invalid checksum');
      return htmlPage(
        400,
        'Liên kết không hợp lệ / Invalid link',
        'Chữ ký của liên kết thanh toán không hợp lệ. The payment link’s signature is not valid.',
      );
    }
    if (outcome.kind === 'unknown-order') {
      return htmlPage(404, 'Không tìm thấy đơn hàng / Order not found', 'This order does not exist.');
    }
    const { order } = outcome;
    const { url: target, refused } = returnTarget(order, deps.config);
    if (refused) {
      // The origin was allowed when the order was made, and is not any more.
      deps.log.warn('returnUrl outside RETURN_URL_ORIGINS; sent to /result instead', {
        appTransId: order.appTransId,
        origin: new URL(refused).origin,
      });
    }
    target.searchParams.set('appTransId', order.appTransId);
    target.searchParams.set('status', order.status);
    return {
      statusCode: 302,
      headers: { location: target.toString(), 'cache-control': 'no-store', ...NOSNIFF },
    };
  });

const noStore = () => ({
  'Cache-Control': { description: 'Never cached.', schema: z.literal('no-store'), required: true },
});

/** `GET /zalopay/redirect` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'zalopayRedirect',
  summary: "Where ZaloPay sends the buyer's browser back",
  description:
    "ZaloPay's gateway sends the browser here after a payment or a cancellation. The checksum is " +
    'verified; an unsettled order is then queried at once (the redirect is not proof of payment), and ' +
    "the browser goes on to the order's `returnUrl`, or our `/result` page, with " +
    '`?appTransId=…&status=<our verified status>`. Every other answer is an HTML page in Vietnamese and English.',
  tag: 'ZaloPay',
  query: redirectQuerySchema,
  responses: {
    302: {
      description:
        "On to the order's `returnUrl`, else `/result`, with `appTransId` and our verified `status`.",
      headers: {
        Location: {
          description: 'Where the browser goes.',
          schema: described(z.string(), {
            format: 'uri',
            examples: ['https://shop.example/thanks?appTransId=261128_4kTq9ZbX2mLp7RvN3sWc0e&status=PAID'],
          }),
          required: true,
        },
        ...noStore(),
      },
    },
    400: htmlAnswer(
      'A field missing, a wrong checksum or another app id: "Liên kết không hợp lệ / Invalid link", never a success screen.',
      noStore(),
    ),
    404: htmlAnswer(
      'A valid link for an order we do not have: "Không tìm thấy đơn hàng / Order not found".',
      noStore(),
    ),
    500: htmlAnswer(
      'Our failure: "Không thể kiểm tra thanh toán / Could not check the payment", reload in a moment.',
      noStore(),
    ),
  },
});
