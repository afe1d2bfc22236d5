import { loadConfig } from '../../shared/core/config';
import { apiDocument } from '../openapi';

/**
 * The API document of this deployment (its URLs, amount limits, whether creating an order needs the
 * API key), from the configuration the stack gives the pages function. Bundled as a file of its own
 * beside the pages' index.mjs (`lazyModule` of infra/constructs/app-function.ts): ./pages.ts loads it
 * at the first `GET /openapi.json`, so the pages' cold start neither carries nor runs the generator
 * and every route's schemas. A malformed setting fails that request, not the pages.
 */
export const deploymentDocument = (env: Readonly<Record<string, string | undefined>>): unknown => {
  const config = loadConfig(env);
  return apiDocument({ ...config, urls: config });
};
