import { writeFile } from 'node:fs/promises';
import { apiDocument } from '../functions/openapi';
import { loadConfig } from '../shared/core/config';

/**
 * `npm run openapi`: writes openapi.json, the API document for the default settings (docs/http-api.md
 * §7), so it can be committed and diffed. Settings in the environment are ignored on purpose: the
 * file must be the same on every machine. `--check` writes nothing and fails when the file is stale.
 */

/** The document for the default settings, as the file holds it. */
export const defaultDocumentText = (): string => {
  // The URLs only satisfy loadConfig: a document without `urls` names every place the API may run.
  const config = loadConfig(
    {},
    { publicBaseUrl: 'http://localhost:3000', zalopayApiBase: 'http://localhost' },
  );
  return `${JSON.stringify(apiDocument(config), null, 2)}\n`;
};

export const DOCUMENT_FILE = new URL('../openapi.json', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(DOCUMENT_FILE, defaultDocumentText());
  console.log(`wrote ${DOCUMENT_FILE.pathname}`);
}
