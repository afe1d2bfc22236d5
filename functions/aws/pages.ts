import checkout from '../../web/checkout.html';
import result from '../../web/result.html';
import { makeHandler } from '../pages';
import { config, lambda } from './lib/runtime';

/** `GET /` and `GET /result` (API Gateway, with the `demoPages` context): the pages are in the bundle. */
export const handler = lambda(makeHandler({ pages: { checkout, result }, config }));
