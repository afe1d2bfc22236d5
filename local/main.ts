import { startLocalApp } from './app';
import { isSandboxApp } from './sandbox';

/** `npm start`: the whole ZaloPay QR flow on one machine, offline. */

// The SDK only talks to the embedded dynalite here; its Node 22 notice is for deployed code.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const app = await startLocalApp();
const { config, credentials, emulated } = app;
const minutes = (s: number) => (s >= 60 ? `${+(s / 60).toFixed(2)} min` : `${s} s`);
const webhookSecretSource = process.env.WEBHOOK_SECRET
  ? 'WEBHOOK_SECRET'
  : 'the development secret (WEBHOOK_SECRET unset)';

console.log(`
  ZaloPay QR demo is running

  Checkout page   ${app.url}/
  API             ${app.url}/orders
  API document    ${app.url}/openapi.json (OpenAPI 3.1)
  ZaloPay         ${emulated ? `built-in emulator at ${app.url}/emulator` : config.zalopayApiBase} (app ${credentials.appId}${isSandboxApp(credentials) ? ', public sandbox keys' : ''})
  Callback URL    ${config.callbackUrl}
  DynamoDB        embedded dynalite, ${app.dataDir ? `data in ${app.dataDir}` : 'in memory (set DATA_DIR to keep orders)'}
  Status check    ${minutes(config.statusCheckDelaySeconds)} after each order (STATUS_CHECK_DELAY_SECONDS)
  Order events    pushed to the pages at ${app.events.realtimeUrl} (AppSync Events protocol, key EVENTS_API_KEY)
  Webhook         ${app.events.webhookUrl ? `${app.events.webhookUrl}, signed with ${webhookSecretSource}` : 'off: set WEBHOOK_URL (try npm run webhook-echo in another terminal, then WEBHOOK_URL=http://localhost:4000 npm start)'}

  Open the checkout page, pay on the emulator's page, watch the order turn PAID.
  Press Ctrl-C to stop.
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`\n  ${signal}: shutting down…`);
  app.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('shutdown failed', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
