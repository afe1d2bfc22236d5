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
 * `GET /` and `GET /result` (API Gateway, with the `demoPages` context): the pages are in the
 * bundle; they subscribe to AppSync Events with what the stack put in the environment.
 */
export const handler = lambda(
  makeHandler({
    pages: { checkout, result, partials: { header, outcome, script, style } },
    config,
    push: pushSettings(process.env),
  }),
);
