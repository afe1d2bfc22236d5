import { makeHandler } from '../qr';
import { store } from './lib/dynamo';
import { clock, lambda, logger } from './lib/runtime';

/** `GET /orders/{appTransId}/qr` (API Gateway). */
export const handler = lambda(makeHandler({ store, clock, log: logger }));
