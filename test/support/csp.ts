import { createHash } from 'node:crypto';

/**
 * A page's CSP hashes checked from the outside: what its served body's inline blocks hash to,
 * computed here independently of shared/adapters/http/inline-hashes.ts, and what its
 * Content-Security-Policy allows.
 */
export interface ScriptsAndStyles {
  script: string[];
  style: string[];
}

/** The plain `<script>`/`<style>` blocks of `html`, the ones a browser checks against the CSP. */
export const blocks = (html: string, tag: 'script' | 'style'): string[] =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The hashes of the inline blocks `body` holds: what the browser will compute. */
export const servedHashes = (body: string): ScriptsAndStyles => ({
  script: blocks(body, 'script').map(sha256),
  style: blocks(body, 'style').map(sha256),
});

/** The sources of `script-src` and `style-src` in a Content-Security-Policy header (`'none'`: none). */
export const allowedHashes = (csp: string): ScriptsAndStyles => {
  const sources = (name: string) => {
    const listed =
      csp
        .split('; ')
        .find((directive) => directive.startsWith(`${name} `))
        ?.split(' ')
        .slice(1) ?? [];
    return listed.join(' ') === "'none'" ? [] : listed;
  };
  return { script: sources('script-src'), style: sources('style-src') };
};
