import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { NOSNIFF } from '../shared/adapters/http/errors';
import { contentSecurityPolicy, escapeHtml } from '../shared/adapters/http/html';

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

export interface Deps {
  pages: Pages;
  config: { merchantName: string };
}

/** The pages' inline scripts and styles are allowed by hash, so nothing else can run. */
const PAGE_DIRECTIVES = {
  'default-src': "'self'",
  'img-src': "'self' data:",
  'form-action': "'self'",
} as const;

/** A page with its partials in place; a partial the page names but nobody gave fails the cold start. */
const assemble = (html: string, partials: Pages['partials']): string =>
  html.replace(/<!-- partial:([\w-]+) -->\n?/g, (_marker, name: string) => {
    const partial = partials[name];
    if (partial === undefined) throw new Error(`web page names a missing partial "${name}"`);
    return partial;
  });

const render = (html: string, pages: Pages, merchantName: string) => {
  const body = assemble(html, pages.partials).replaceAll('{{MERCHANT_NAME}}', escapeHtml(merchantName));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': contentSecurityPolicy(body, PAGE_DIRECTIVES),
      ...NOSNIFF,
      'referrer-policy': 'no-referrer',
    },
    body,
  };
};

/** `GET /` (demo checkout) and `GET /result` (where the redirect lands by default). */
export const makeHandler = (deps: Deps) => {
  const checkout = render(deps.pages.checkout, deps.pages, deps.config.merchantName);
  const result = render(deps.pages.result, deps.pages, deps.config.merchantName);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(async (event) =>
    event.rawPath === '/result' ? result : checkout,
  );
};
