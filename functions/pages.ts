import { readdirSync, readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json, NOSNIFF } from '../shared/adapters/http/headers';
import { contentSecurityPolicy, escapeHtml } from '../shared/adapters/http/html';
import { OPENAPI_PATH } from './routes';

/**
 * The HTML of the demo pages, as files in web/ (read by the composition root): the two pages, and
 * the parts they share (look, header, result screen, result logic) from web/partials/, placed
 * where a page says `<!-- partial:name -->`.
 */
export interface Pages {
  checkout: string;
  result: string;
  partials: Readonly<Record<string, string>>;
}

/**
 * The pages and every partial of `web` (a directory like web/: `checkout.html`, `result.html`,
 * `partials/*.html`), read once when a composition root starts.
 */
export const readPages = (web: URL): Pages => {
  const read = (name: string) => readFileSync(new URL(name, web), 'utf8');
  const partials = readdirSync(new URL('partials/', web))
    .filter((file) => file.endsWith('.html'))
    .map((file) => [file.slice(0, -'.html'.length), read(`partials/${file}`)] as const);
  return {
    checkout: read('checkout.html'),
    result: read('result.html'),
    partials: Object.fromEntries(partials),
  };
};

/**
 * Where the pages subscribe to their order's push channel (docs/events.md §5): AppSync Events'
 * real-time URL, its HTTP domain (the `host` of the authorization) and the API key.
 */
export interface PushConfig {
  realtimeUrl: string;
  host: string;
  apiKey: string;
}

export interface Deps {
  pages: Pages;
  config: { merchantName: string };
  /** Without it the pages long-poll only. */
  push?: PushConfig;
  /**
   * The API document served at `/openapi.json` (functions/openapi.ts), made at its first request;
   * asynchronous so that a composition root can load the generator only then.
   */
  apiDocument: () => unknown;
}

/**
 * The pages' inline scripts and styles are allowed by hash, so nothing else can run; connections
 * go to this origin and to the push endpoint only.
 */
const pageDirectives = (push: PushConfig | undefined) => ({
  'default-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': `'self'${push ? ` ${new URL(push.realtimeUrl).origin}` : ''}`,
  'form-action': "'self'",
});

/** A page with its partials in place; a partial the page names but nobody gave fails the cold start. */
const assemble = (html: string, partials: Pages['partials']): string =>
  html.replace(/<!-- partial:([\w-]+) -->\n?/g, (_marker, name: string) => {
    const partial = partials[name];
    if (partial === undefined) throw new Error(`web page names a missing partial "${name}"`);
    return partial;
  });

/** JSON for a `<script type="application/json">`: nothing in it can end the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll('<', '\\u003c');

const render = (html: string, pages: Pages, merchantName: string, push: PushConfig | undefined) => {
  const body = assemble(html, pages.partials)
    .replaceAll('{{MERCHANT_NAME}}', escapeHtml(merchantName))
    .replaceAll('"{{PUSH_CONFIG}}"', scriptJson(push ?? null));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': contentSecurityPolicy(body, pageDirectives(push)),
      ...NOSNIFF,
      'referrer-policy': 'no-referrer',
    },
    body,
  };
};

/**
 * `GET /openapi.json` (always), and the demo pages: `GET /` (checkout) and `GET /result` (where the
 * redirect lands by default), routed here only when they are on. A plain function, no middleware:
 * nothing here parses input, and the pages' cold start is a buyer's first wait.
 */
export const makeHandler = (
  deps: Deps,
): ((event: APIGatewayProxyEventV2, context?: unknown) => Promise<APIGatewayProxyStructuredResultV2>) => {
  const checkout = render(deps.pages.checkout, deps.pages, deps.config.merchantName, deps.push);
  const result = render(deps.pages.result, deps.pages, deps.config.merchantName, deps.push);
  let document: APIGatewayProxyStructuredResultV2 | undefined;
  const apiDocument = async () => {
    document ??= json(200, await deps.apiDocument(), {
      'cache-control': 'no-cache',
      // A public description of the API, which any viewer or generator may fetch.
      'access-control-allow-origin': '*',
    });
    return document;
  };
  return async (event) => {
    if (event.rawPath === OPENAPI_PATH) return apiDocument();
    return event.rawPath === '/result' ? result : checkout;
  };
};
