const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to place in HTML content or a quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * The CSP sources of a page's inline `<script>` and `<style>` blocks, in page order: one
 * `'sha256-…'` each (made by `inlineHashes` of shared/adapters/http/inline-hashes.ts, which alone
 * loads node:crypto).
 */
export interface InlineHashes {
  script: readonly string[];
  style: readonly string[];
}

/**
 * A Content-Security-Policy for a self-contained page: its own inline scripts and styles allowed
 * by hash, so nothing injected can run, and nothing else loaded. `directives` adds to or replaces
 * the defaults (e.g. `form-action` for a page that posts elsewhere). No hashing here: a function
 * whose pages are hashed when it is bundled never loads node:crypto (docs/conventions.md §8).
 */
export const contentSecurityPolicy = (
  hashes: InlineHashes,
  directives: Readonly<Record<string, string>> = {},
): string =>
  Object.entries({
    'default-src': "'none'",
    'script-src': hashes.script.join(' ') || "'none'",
    'style-src': hashes.style.join(' ') || "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
    ...directives,
  })
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
