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
  | 'dead-letters'
  | 'reconciliations'
  | 'redirect'
  | 'pages';

export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  function: HttpFunction;
  /** Served only with the demo pages on (always locally; `demoPages` context on AWS). */
  demo?: true;
  /** Served only with a merchant webhook (`WEBHOOK_URL` locally, the `webhookUrl` context on AWS). */
  webhook?: true;
}

/** Where the API document is served (functions/openapi.ts). */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The API Gateway routes of docs/http-api.md, in one place for the CDK stack and the local server.
 * The callback is not here: on AWS it has its own Function URL; locally it is served at
 * {@link CALLBACK_PATH} on the same port.
 */
const ROUTES = [
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
  { method: 'GET', path: '/webhooks/dead-letters', function: 'dead-letters', webhook: true },
  { method: 'POST', path: '/webhooks/dead-letters/replay', function: 'dead-letters', webhook: true },
  { method: 'POST', path: '/reconciliations', function: 'reconciliations' },
  { method: 'GET', path: '/zalopay/redirect', function: 'redirect' },
  { method: 'GET', path: OPENAPI_PATH, function: 'pages' },
  { method: 'GET', path: '/', function: 'pages', demo: true },
  { method: 'GET', path: '/result', function: 'pages', demo: true },
] as const satisfies readonly ApiRoute[];

export const API_ROUTES: readonly ApiRoute[] = ROUTES;

/**
 * `POST /orders`, `GET /orders/{appTransId}`, …: each route of {@link API_ROUTES} as API Gateway names
 * it. The API document needs a contract for every one (functions/openapi.ts), checked at compile time.
 */
export type RouteKey = (typeof ROUTES)[number] extends infer R
  ? R extends ApiRoute
    ? `${R['method']} ${R['path']}`
    : never
  : never;

export const CALLBACK_PATH = '/zalopay/callback';
