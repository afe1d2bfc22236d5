import { readFileSync } from 'node:fs';
import { contentSecurityPolicy } from '../../../shared/adapters/http/html';
import { htmlPage } from '../../../shared/adapters/http/html-page';
import { blocksContaining, inlineHashes } from '../../../shared/adapters/http/inline-hashes';
import { allowedHashes, servedHashes } from '../../support/csp';

const source = (file: string) =>
  readFileSync(new URL(`../../../shared/adapters/http/${file}`, import.meta.url), 'utf8');

describe('the HTML helpers (shared/adapters/http/html.ts, inline-hashes.ts, html-page.ts)', () => {
  it('assembles a policy from given hashes, with nothing allowed by default', () => {
    const hashes = { script: ["'sha256-a'", "'sha256-b'"], style: ["'sha256-c'"] };
    expect(contentSecurityPolicy(hashes)).toBe(
      "default-src 'none'; script-src 'sha256-a' 'sha256-b'; style-src 'sha256-c'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'",
    );
    expect(
      contentSecurityPolicy({ script: [], style: [] }, { 'form-action': "'self'", 'img-src': 'data:' }),
    ).toBe(
      "default-src 'none'; script-src 'none'; style-src 'none'; base-uri 'none'; form-action 'self'; " +
        "frame-ancestors 'none'; img-src data:",
    );
  });

  it('hashes only the plain blocks a browser runs, in page order', () => {
    const html =
      '<style>b{}</style><script>one()</script><script type="application/json">{}</script>' +
      '<p onclick="x()">{{X}}</p><script>two()</script>';
    expect(inlineHashes(html)).toEqual(servedHashes(html));
    expect(inlineHashes(html).script).toHaveLength(2);
    expect(inlineHashes(html).style).toHaveLength(1);
    expect(blocksContaining(html, 'two(')).toEqual(['two()']);
    expect(blocksContaining(html, '{{X}}')).toEqual([]);
  });

  it('the error page allows its own style and nothing else', () => {
    const page = htmlPage(400, 'Sai <chữ ký>', 'bad "checksum"') as {
      headers: Record<string, string>;
      body: string;
    };
    expect(allowedHashes(page.headers['content-security-policy']!)).toEqual(servedHashes(page.body));
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'none'; style-src 'sha256-/,
    );
    expect(page.body).toContain('Sai &lt;chữ ký&gt;');
  });

  it('assembling a policy needs no crypto: only the hashing module loads it', () => {
    const crypto = /from ['"](node:)?crypto['"]/;
    expect(source('html.ts')).not.toMatch(crypto);
    expect(source('html.ts')).not.toMatch(/^import (?!type )/m);
    expect(source('inline-hashes.ts')).toMatch(crypto);
  });
});
