import checkout from '../../web/checkout.html';
import header from '../../web/partials/header.html';
import outcome from '../../web/partials/outcome.html';
import script from '../../web/partials/script.html';
import style from '../../web/partials/style.html';
import result from '../../web/result.html';
import { apiDocument } from '../openapi';
import { makeHandler } from '../pages';
import { config, lambda } from './lib/runtime';

/**
 * `GET /openapi.json` (always), `GET /` and `GET /result` (with the `demoPages` context): the pages are
 * in the bundle, the document is made from this deployment's settings at its first request.
 */
export const handler = lambda(
  makeHandler({
    pages: { checkout, result, partials: { header, outcome, script, style } },
    config,
    apiDocument: () => apiDocument({ ...config, urls: config }),
  }),
);
