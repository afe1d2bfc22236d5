import { createRequire } from 'node:module';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json, NOSNIFF } from '../shared/adapters/http/headers';
import { contentSecurityPolicy, escapeHtml, type InlineHashes } from '../shared/adapters/http/html';
import { OPENAPI_PATH } from './routes';

/**
 * node:fs through `require`, not `import`: importing a built-in module as ESM makes Node build its
 * ES module facade, which reads every export, and node:fs's lazy `ReadStream` then loads the
 * streams (about 25 ms of CPU, a third of the pages function's cold start on Node 20). node:module
 * is imported by every bundle's banner already (`BUNDLING` of infra/constructs/app-function.ts).
 */
const { readdirSync, readFileSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/**
 * The HTML of the demo pages, as files in web/ (read by the composition root): the two pages, and
 * the parts they share (look, header, result screen, result logic) from web/partials/, placed
 * where a page says `<!-- partial:name -->`.
 */
export interface WebFiles {
  checkout: string;
  result: string;
  partials: Readonly<Record<string, string>>;
}

/** The two pages. */
export type PageName = 'checkout' | 'result';

/**
 * The CSP hashes of each page's inline scripts and styles, partials in place: what
 * `pageHashes` (functions/page-hashes.ts) makes from the same {@link WebFiles}, at synth for the
 * function (beside its bundle, {@link PAGE_HASHES_FILE}) and at start locally.
 */
export type PageHashes = Readonly<Record<PageName, InlineHashes>>;

/** The pages and their hashes: all the handler needs to serve them. */
export interface Pages extends WebFiles {
  hashes: PageHashes;
}

/** The file beside the pages function's bundle that holds its {@link PageHashes}, as JSON. */
export const PAGE_HASHES_FILE = 'page-hashes.json';

/**
 * The pages and every partial of `web` (a directory like web/: `checkout.html`, `result.html`,
 * `partials/*.html`).
 */
export const readWebFiles = (web: URL): WebFiles => {
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

const HASH = /^'sha256-[A-Za-z0-9+/]{43}='$/;
const isHashList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((source) => typeof source === 'string' && HASH.test(source));

/**
 * The pages of `web` with the hashes made for them at synth (`hashes`, a {@link PAGE_HASHES_FILE}),
 * read once when the function starts: no hashing, so no node:crypto, at its cold start. A file
 * that is not such hashes fails the start rather than serve pages whose scripts the browser blocks.
 */
export const readPages = (web: URL, hashes: URL): Pages => {
  const parsed = JSON.parse(readFileSync(hashes, 'utf8')) as Partial<Record<PageName, Partial<InlineHashes>>>;
  const page = (name: PageName): InlineHashes => {
    const { script, style } = parsed?.[name] ?? {};
    if (!isHashList(script) || !isHashList(style)) {
      throw new Error(`${hashes.pathname} holds no script and style hashes for the ${name} page`);
    }
    return { script, style };
  };
  return { ...readWebFiles(web), hashes: { checkout: page('checkout'), result: page('result') } };
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

/**
 * A page with its partials in place, before the merchant's name and the push settings go in; a
 * partial the page names but nobody gave fails the cold start.
 */
export const assemble = (files: WebFiles, page: PageName): string =>
  files[page].replace(/<!-- partial:([\w-]+) -->\n?/g, (_marker, name: string) => {
    const partial = files.partials[name];
    if (partial === undefined) throw new Error(`web page names a missing partial "${name}"`);
    return partial;
  });

/**
 * Where the merchant's name and the push settings go in a page: in markup and in a
 * `<script type="application/json">`, never in a block the CSP hashes (`pageHashes` checks it).
 */
export const PLACEHOLDERS = { merchantName: '{{MERCHANT_NAME}}', push: '"{{PUSH_CONFIG}}"' } as const;

/** JSON for a `<script type="application/json">`: nothing in it can end the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll('<', '\\u003c');

const render = (pages: Pages, page: PageName, merchantName: string, push: PushConfig | undefined) => {
  const body = assemble(pages, page)
    .replaceAll(PLACEHOLDERS.merchantName, escapeHtml(merchantName))
    .replaceAll(PLACEHOLDERS.push, scriptJson(push ?? null));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': contentSecurityPolicy(pages.hashes[page], pageDirectives(push)),
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
  const checkout = render(deps.pages, 'checkout', deps.config.merchantName, deps.push);
  const result = render(deps.pages, 'result', deps.config.merchantName, deps.push);
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
