import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NOSNIFF } from './headers';
import { contentSecurityPolicy, escapeHtml } from './html';
import { inlineHashes } from './inline-hashes';

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
      'content-security-policy': contentSecurityPolicy(inlineHashes(body)),
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
