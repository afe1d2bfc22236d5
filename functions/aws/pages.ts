import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { pageSettings } from '../../shared/adapters/aws/page-settings';
import type { ErrorBody } from '../../shared/adapters/http/errors';
import { json } from '../../shared/adapters/http/headers';
import { makeHandler, PAGE_HASHES_FILE, readPages } from '../pages';

/**
 * Where the API document's generator is: in the bundle, `./openapi.mjs` beside index.mjs, which
 * esbuild defines here (`lazyModule` of infra/constructs/app-function.ts builds that file); unbundled,
 * the TypeScript source. A specifier esbuild cannot read, so it does not inline the generator.
 */
declare const PAGES_OPENAPI_MODULE: string | undefined;
const openapiModule =
  typeof PAGES_OPENAPI_MODULE === 'string'
    ? new URL(PAGES_OPENAPI_MODULE, import.meta.url).href
    : './pages-openapi';

/**
 * `GET /openapi.json` (always), `GET /` and `GET /result` (with the `demoPages` context). The cold
 * start loads only what every request needs (docs/conventions.md §1): the pages and their CSP
 * hashes, read from the asset; the merchant's name and the push settings, checked without the
 * settings' schemas; no middleware, no Powertools, no node:crypto. The document and its generator
 * are loaded at its first request. The pages subscribe to AppSync Events with what the stack put in
 * the environment.
 */
const settings = pageSettings(process.env);
const pages = makeHandler({
  // Files beside the bundle (`assetFiles` of infra/constructs/app-function.ts), not strings in it,
  // so the module compiled at every cold start stays small (docs/conventions.md §8). Their CSP
  // hashes were made at synth (`assetData`), so the start loads no node:crypto.
  pages: readPages(new URL('./web/', import.meta.url), new URL(`./${PAGE_HASHES_FILE}`, import.meta.url)),
  config: settings,
  push: settings.push,
  apiDocument: async () =>
    ((await import(openapiModule)) as typeof import('./pages-openapi')).deploymentDocument(process.env),
});

/** The answer to anything unexpected, as every function gives it (shared/adapters/http/errors.ts). */
const INTERNAL: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error' } };

/**
 * Only the document can fail (a malformed setting, its module missing): one JSON log line in the
 * shape of the other functions' Powertools logs, and a 500 with the usual error body.
 */
const logFailure = (error: unknown, context: Pick<Context, 'awsRequestId'> | undefined) => {
  if (process.env.LOG_LEVEL?.toUpperCase() === 'SILENT') return;
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  const line = {
    level: 'ERROR',
    message: 'the API document could not be made',
    timestamp: new Date().toISOString(),
    service: process.env.POWERTOOLS_SERVICE_NAME,
    function_request_id: context?.awsRequestId,
    error: { name, message, stack },
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

export const handler = async (
  event: APIGatewayProxyEventV2,
  context?: Pick<Context, 'awsRequestId'>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    return await pages(event);
  } catch (error) {
    logFailure(error, context);
    return json(500, INTERNAL);
  }
};
