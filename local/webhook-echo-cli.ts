import { createServer } from 'node:http';
import * as z from 'zod/mini';
import { parseEnv } from '../shared/core/env';
import { intBetween } from '../shared/core/schemas';
import { webhookSecretSchema } from '../shared/core/webhooks';
import { listen } from './server';
import { LOCAL_WEBHOOK_SECRET } from './settings';
import { webhookEcho } from './webhook-echo';

/**
 * `npm run webhook-echo`: a receiver for the webhook of `npm start`, on WEBHOOK_ECHO_PORT (4000),
 * verifying with WEBHOOK_SECRET (else the development secret `npm start` uses by default) and
 * answering WEBHOOK_ECHO_STATUS (204).
 */
const settings = parseEnv(
  z.object({
    WEBHOOK_ECHO_PORT: z._default(intBetween(0, 65535), 4000),
    WEBHOOK_SECRET: z._default(webhookSecretSchema, LOCAL_WEBHOOK_SECRET),
    WEBHOOK_ECHO_STATUS: z._default(intBetween(200, 599), 204),
  }),
  process.env,
);
const server = createServer(
  webhookEcho({ secret: settings.WEBHOOK_SECRET, status: settings.WEBHOOK_ECHO_STATUS, print: console.log }),
);
const port = await listen(server, settings.WEBHOOK_ECHO_PORT);
console.log(`
  Webhook echo on http://localhost:${port}/, verifying with ${process.env.WEBHOOK_SECRET ? 'WEBHOOK_SECRET' : 'the development secret'}, answering ${settings.WEBHOOK_ECHO_STATUS}

  In another terminal:  WEBHOOK_URL=http://localhost:${port}/ npm start
  Then pay an order: each status change arrives here, verified. Ctrl-C stops.
`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
