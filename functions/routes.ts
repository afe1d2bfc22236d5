/** The functions behind our HTTP routes, by name. */
export type HttpFunction =
  | 'create-order'
  | 'get-order'
  | 'qr'
  | 'sync-order'
  | 'order-history'
  | 'list-reviews'
  | 'create-refund'
  | 'read-refunds'
  | 'cancel-order'
  | 'redirect'
  | 'pages';

export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  function: HttpFunction;
  /** Served only with the demo pages on (always locally; `demoPages` context on AWS). */
  demo?: true;
}

/**
 * The API Gateway routes of docs/http-api.md, in one place for the CDK stack and the local server.
 * The callback is not here: on AWS it has its own Function URL; locally it is served at
 * {@link CALLBACK_PATH} on the same port.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'POST', path: '/orders', function: 'create-order' },
  { method: 'GET', path: '/orders/{appTransId}', function: 'get-order' },
  { method: 'GET', path: '/orders/{appTransId}/qr', function: 'qr' },
  { method: 'POST', path: '/orders/{appTransId}/sync', function: 'sync-order' },
  { method: 'GET', path: '/orders/{appTransId}/history', function: 'order-history' },
  { method: 'POST', path: '/orders/{appTransId}/refunds', function: 'create-refund' },
  { method: 'GET', path: '/orders/{appTransId}/refunds', function: 'read-refunds' },
  { method: 'GET', path: '/orders/{appTransId}/refunds/{mRefundId}', function: 'read-refunds' },
  { method: 'POST', path: '/orders/{appTransId}/cancel', function: 'cancel-order' },
  { method: 'GET', path: '/reviews', function: 'list-reviews' },
  { method: 'GET', path: '/zalopay/redirect', function: 'redirect' },
  { method: 'GET', path: '/', function: 'pages', demo: true },
  { method: 'GET', path: '/result', function: 'pages', demo: true },
];

export const CALLBACK_PATH = '/zalopay/callback';
