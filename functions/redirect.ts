import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { NOSNIFF } from '../shared/adapters/http/errors';
import { htmlPage } from '../shared/adapters/http/html';
import type { AppConfig } from '../shared/core/config';
import { handleRedirect, type RedirectDeps, returnTarget } from '../shared/core/orders/redirect';

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
