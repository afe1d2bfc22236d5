import { pushSettings } from '../../shared/adapters/aws/settings';
import checkout from '../../web/checkout.html';
import header from '../../web/partials/header.html';
import outcome from '../../web/partials/outcome.html';
import script from '../../web/partials/script.html';
import style from '../../web/partials/style.html';
import result from '../../web/result.html';
import { makeHandler } from '../pages';
import { config, lambda } from './lib/runtime';

/**
 * `GET /openapi.json` (always), `GET /` and `GET /result` (with the `demoPages` context): the pages are
 * in the bundle, the document is made from this deployment's settings at its first request. The
 * generator (every route's schemas) is imported only then, so the pages' cold start does not run it.
 * The pages subscribe to AppSync Events with what the stack put in the environment.
 */
export const handler = lambda(
  makeHandler({
    pages: { checkout, result, partials: { header, outcome, script, style } },
    config,
    push: pushSettings(process.env),
    apiDocument: async () => (await import('../openapi')).apiDocument({ ...config, urls: config }),
  }),
);
