import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NOSNIFF } from './headers';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to place in HTML content or a quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** The CSP sources of a page's inline `<script>` or `<style>` blocks: one SHA-256 hash each. */
const inlineHashes = (html: string, tag: 'script' | 'style'): string =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))]
    .map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '', 'utf8')
          .digest('base64')}'`,
    )
    .join(' ');

/**
 * A Content-Security-Policy for a self-contained page: its own inline scripts and styles allowed
 * by hash, so nothing injected can run, and nothing else loaded. `directives` adds to or replaces
 * the defaults (e.g. `form-action` for a page that posts elsewhere).
 */
export const contentSecurityPolicy = (
  html: string,
  directives: Readonly<Record<string, string>> = {},
): string =>
  Object.entries({
    'default-src': "'none'",
    'script-src': inlineHashes(html, 'script') || "'none'",
    'style-src': inlineHashes(html, 'style') || "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    ...directives,
  })
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');

/** A small self-contained HTML page (for errors a browser lands on). */
export const htmlPage = (
  statusCode: number,
  title: string,
  message: string,
): APIGatewayProxyStructuredResultV2 => {
  const body = errorHtml(title, message);
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': contentSecurityPolicy(body),
      ...NOSNIFF,
    },
    body,
  };
};

const errorHtml = (title: string, message: string): string => `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6fb;color:#1a1f36;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:2rem;max-width:28rem;margin:1rem}
h1{font-size:1.25rem;margin:0 0 .75rem;color:#b42318}
p{line-height:1.5;margin:0}
</style>
</head>
<body><main role="alert"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body>
</html>`;
