import { makeHandler } from '../qr';
import { clock, lambda, logger } from './lib/common';
import { store } from './lib/dynamo';

/** `GET /orders/{appTransId}/qr` (API Gateway). */
export const handler = lambda(makeHandler({ store, clock, log: logger }));
