/**
 * Reconciling a day of N orders (docs/reconciliation.md) on dynalite against the emulator on
 * loopback: half paid at ZaloPay with the callback lost (reconciliation records them), a quarter
 * cancelled by the buyer, a quarter still unpaid. Runs the day at ZaloPay's pace (the default 10
 * queries a second, 4 at a time), then again with no rate limit (what the machine itself costs),
 * then once more at the default pace, when the paid half is settled by a query and not asked again.
 */
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { startLocalDynamo } from '../local/dynamo';
import { startEmulatorServer } from '../local/emulator';
import { SANDBOX_APP_2553 } from '../local/sandbox';
import { DynamoOrderStore } from '../shared/adapters/dynamodb/order-store';
import { tableDefinition } from '../shared/adapters/dynamodb/table';
import { ZaloPayClient } from '../shared/adapters/zalopay/client';
import { noMetrics, silentLog } from '../shared/core/observability';
import { DEFAULT_CHECK_POLICY } from '../shared/core/orders/checks';
import { createOrder } from '../shared/core/orders/create';
import { DEFAULT_RECONCILE_OPTIONS, reconcileDay } from '../shared/core/orders/reconcile';
import { vnDayBefore } from '../shared/core/zalopay/ids';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);

const dynamo = await startLocalDynamo();
const zalopay = await startEmulatorServer({ apps: [SANDBOX_APP_2553] });
const tableName = 'reconcile';
await dynamo.baseClient.send(new CreateTableCommand(tableDefinition(tableName)));
await waitUntilTableExists(
  { client: dynamo.baseClient, minDelay: 1, maxDelay: 1, maxWaitTime: 10 },
  { TableName: tableName },
);
const store = new DynamoOrderStore({ client: dynamo.client, tableName });
const deps = {
  store,
  zalopay: new ZaloPayClient({
    baseUrl: zalopay.url,
    credentials: async () => SANDBOX_APP_2553,
    timeoutMs: 120_000,
  }),
  scheduler: { schedule: async () => undefined },
  clock: () => new Date(),
  policy: DEFAULT_CHECK_POLICY,
  log: silentLog,
  metrics: noMetrics,
  sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
};
const config = {
  callbackUrl: 'http://127.0.0.1:1/zalopay/callback',
  redirectUrl: 'http://127.0.0.1:1/zalopay/redirect',
  merchantName: 'Bench',
};

console.log(`Creating ${ORDERS} orders of today (Vietnam)…`);
let made = 0;
for (let n = 0; n < ORDERS; n += 20) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(20, ORDERS - n) }, () =>
      createOrder({ ...deps, config }, { amount: 50_000 }).catch(() => undefined),
    ),
  );
  for (const order of batch) {
    if (!order) continue;
    const roll = made++ % 4;
    if (roll < 2) await zalopay.emulator.pay(order.appTransId, { callback: 'lost' });
    else if (roll === 2) zalopay.emulator.cancel(order.appTransId);
  }
}

const date = vnDayBefore(new Date(), 0);
const rows: Record<string, Record<string, string | number>> = {};
const run = async (label: string, queriesPerSecond: number) => {
  const started = performance.now();
  const report = await reconcileDay(deps, date, { ...DEFAULT_RECONCILE_OPTIONS, queriesPerSecond });
  const seconds = (performance.now() - started) / 1000;
  const s = report.summary;
  rows[label] = {
    orders: s.orders,
    queried: s.queried,
    matched: s.matched,
    mismatched: s.mismatched,
    unresolved: s.unresolved,
    applied: s.applied,
    seconds: seconds.toFixed(1),
    'orders / s': (s.orders / seconds).toFixed(1),
  };
};
await run('10 queries/s, first run', DEFAULT_RECONCILE_OPTIONS.queriesPerSecond);
await run('no rate limit', 1e9);
await run('10 queries/s, again', DEFAULT_RECONCILE_OPTIONS.queriesPerSecond);
console.table(rows);
await zalopay.close();
await dynamo.close();
