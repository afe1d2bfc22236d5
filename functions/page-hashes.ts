import { blocksContaining, inlineHashes } from '../shared/adapters/http/inline-hashes';
import { assemble, type PageHashes, type PageName, PLACEHOLDERS, type WebFiles } from './pages';

const PAGES: readonly PageName[] = ['checkout', 'result'];

/**
 * The CSP hashes of both pages' inline scripts and styles, partials in place. The one function
 * that makes them, for the function at synth (infra/stack.ts writes them beside its bundle) and
 * for the local runtime at start (local/web-pages.ts), so the two cannot differ. The blocks are
 * the same on every request: what changes (the merchant's name, the push settings) goes outside
 * them, and a page that put it inside one is refused here rather than served with a wrong hash.
 */
export const pageHashes = (files: WebFiles): PageHashes => {
  const hashes = PAGES.map((page) => {
    const html = assemble(files, page);
    for (const placeholder of Object.values(PLACEHOLDERS)) {
      if (blocksContaining(html, placeholder).length > 0) {
        throw new Error(
          `the ${page} page has ${placeholder} inside an inline <script> or <style>, whose CSP hash is made once`,
        );
      }
    }
    return [page, inlineHashes(html)] as const;
  });
  return Object.fromEntries(hashes) as Record<PageName, PageHashes[PageName]>;
};
