import { pageHashes } from '../functions/page-hashes';
import { type Pages, readWebFiles } from '../functions/pages';

/**
 * The demo pages and every partial in web/partials/, as the local runtime serves them, with their
 * CSP hashes made now from the same files (on AWS they are made at synth: infra/stack.ts).
 */
export const readWebPages = async (): Promise<Pages> => {
  const files = readWebFiles(new URL('../web/', import.meta.url));
  return { ...files, hashes: pageHashes(files) };
};
