import { createHash } from 'node:crypto';
import type { InlineHashes } from './html';

/** The plain `<script>` or `<style>` blocks a browser runs; one with attributes (e.g. JSON data) is not matched. */
const blocks = (html: string, tag: 'script' | 'style'): string[] =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The CSP sources of `html`'s inline scripts and styles: one SHA-256 hash per block, as
 * `contentSecurityPolicy` (shared/adapters/http/html.ts) takes them. A module of its own because
 * it loads node:crypto, which the demo pages' cold start avoids by shipping their hashes made at
 * synth (functions/page-hashes.ts).
 */
export const inlineHashes = (html: string): InlineHashes => ({
  script: blocks(html, 'script').map(sha256),
  style: blocks(html, 'style').map(sha256),
});

/** The inline blocks of `html` holding `text`: none may hold what changes from one page to the next. */
export const blocksContaining = (html: string, text: string): string[] =>
  [...blocks(html, 'script'), ...blocks(html, 'style')].filter((block) => block.includes(text));
