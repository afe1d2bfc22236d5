import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { escapeHtml } from '../shared/adapters/http/html';

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

/** The pages' inline scripts and styles, allowed by hash so nothing else can run. */
const contentSecurityPolicy = (html: string): string => {
  const hashes = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))]
      .map(
        (m) =>
          `'sha256-${createHash('sha256')
            .update(m[1] ?? '', 'utf8')
            .digest('base64')}'`,
      )
      .join(' ');
  return [
    "default-src 'self'",
    `script-src ${hashes('script') || "'none'"}`,
    `style-src ${hashes('style') || "'none'"}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
};

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
      'content-security-policy': contentSecurityPolicy(body),
      'x-content-type-options': 'nosniff',
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
