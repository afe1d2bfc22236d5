import { lazySourceMaps } from './source-maps';

/**
 * What every bundle imports first, as `source-maps.mjs` beside it (`SOURCE_MAPS` of
 * infra/constructs/app-function.ts): stack traces of the bundle files there map to the TypeScript
 * sources, the source map read only when a stack trace first needs it (./source-maps.ts).
 */
Error.prepareStackTrace = lazySourceMaps(new URL('.', import.meta.url), Error.prepareStackTrace);
