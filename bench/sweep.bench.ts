/**
 * The sweeper draining a backlog: N orders whose status checks are 10 minutes overdue (their
 * schedules lost), on dynalite, against the emulator on loopback. Half were paid at ZaloPay with
 * the callback lost, a quarter cancelled, a quarter still unpaid (each of those gets a follow-up
 * recorded and scheduled). The sweeper handler runs them at several concurrencies; it prints
 * checks per minute. Then the same backlog with a budget of a few seconds per run: each run
 * stops in time and the next carries on until nothing is overdue.
 */
import { CreateTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { makeHandler, sweepOptions } from '../functions/sweeper';
import { startLocalDynamo } from '../local/dynamo';
import { startEmulatorServer } from '../local/emulator';
import { SANDBOX_APP_2553 } from '../local/sandbox';
import { lambdaContext } from '../local/server';
import { DynamoOrderStore } from '../shared/adapters/dynamodb/order-store';
import { tableDefinition } from '../shared/adapters/dynamodb/table';
import { ZaloPayClient } from '../shared/adapters/zalopay/client';
import { noMetrics, silentLog } from '../shared/core/observability';
import { DEFAULT_CHECK_POLICY } from '../shared/core/orders/checks';
import { createOrder } from '../shared/core/orders/create';
import type { SweepResult } from '../shared/core/orders/status-check';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 500);
const CONCURRENCIES = [1, 4, 8, 16];
const ZALOPAY_TIMEOUT_MS = 10_000;

const dynamo = await startLocalDynamo();
const zalopay = await startEmulatorServer({ apps: [SANDBOX_APP_2553] });

/** A table of its own per run, so that no run's follow-ups fall due in the next. */
let tables = 0;
const freshStore = async () => {
  const tableName = `sweep-${++tables}`;
  await dynamo.baseClient.send(new CreateTableCommand(tableDefinition(tableName)));
  await waitUntilTableExists(
    { client: dynamo.baseClient, minDelay: 1, maxDelay: 1, maxWaitTime: 10 },
    { TableName: tableName },
  );
  return new DynamoOrderStore({ client: dynamo.client, tableName });
};
const client = new ZaloPayClient({
  baseUrl: zalopay.url,
  credentials: async () => SANDBOX_APP_2553,
  timeoutMs: ZALOPAY_TIMEOUT_MS,
});
let schedules = 0;
const deps = {
  zalopay: client,
  // CreateSchedule is an AWS API call on Lambda: counted, left out of the time.
  scheduler: {
    schedule: async () => {
      schedules++;
    },
  },
  clock: () => new Date(),
  policy: DEFAULT_CHECK_POLICY,
  log: silentLog,
  metrics: noMetrics,
};

/** N orders created at ZaloPay and stored 10 minutes ago, whose first check was due then. */
const backlog = async (store: DynamoOrderStore, count: number) => {
  const tenMinutesAgo = () => new Date(Date.now() - 600_000);
  const ids: string[] = [];
  const creating = {
    ...deps,
    // Setting up is not measured: a busy machine must not fail it with ZaloPay's 10 s timeout.
    zalopay: new ZaloPayClient({
      baseUrl: zalopay.url,
      credentials: async () => SANDBOX_APP_2553,
      timeoutMs: 120_000,
    }),
    store,
    clock: tenMinutesAgo,
    policy: { ...DEFAULT_CHECK_POLICY, firstCheckDelaySeconds: 0 },
  };
  const config = {
    callbackUrl: 'http://127.0.0.1:1/zalopay/callback',
    redirectUrl: 'http://127.0.0.1:1/zalopay/redirect',
    merchantName: 'Bench',
  };
  for (let n = 0; n < count; n += 20) {
    // A create the busy machine cuts off is stored unresolved, overdue like the rest: it is swept
    // too (a query that finds it unpaid), just not paid or cancelled here.
    const batch = (
      await Promise.all(
        Array.from({ length: Math.min(20, count - n) }, () =>
          createOrder({ ...creating, config }, { amount: 50_000 }).catch(() => undefined),
        ),
      )
    ).filter((order) => order !== undefined);
    for (const order of batch) {
      ids.push(order.appTransId);
      const roll = ids.length % 4;
      if (roll < 2) await zalopay.emulator.pay(order.appTransId, { callback: 'lost' });
      else if (roll === 2) zalopay.emulator.cancel(order.appTransId);
    }
  }
  return ids;
};

const contextWithBudget = (budgetMs: number): Context => {
  const deadline = Date.now() + budgetMs;
  return { ...lambdaContext('bench', 'sweeper'), getRemainingTimeInMillis: () => deadline - Date.now() };
};

console.log(`Sweeping ${ORDERS} overdue orders per run (dynalite in memory, emulator on loopback)…`);
const rows: Record<string, Record<string, string | number>> = {};
for (const concurrency of CONCURRENCIES) {
  const store = await freshStore();
  await backlog(store, ORDERS);
  schedules = 0;
  const sweep = makeHandler({ ...deps, store, sweep: { ...sweepOptions(ZALOPAY_TIMEOUT_MS), concurrency } });
  const started = performance.now();
  const result = (await sweep({}, contextWithBudget(280_000))) as SweepResult;
  const seconds = (performance.now() - started) / 1000;
  rows[`${concurrency} at a time`] = {
    checked: result.checked,
    failed: result.failed,
    seconds: seconds.toFixed(1),
    'checks / minute': Math.round((result.checked / seconds) * 60),
    'follow-ups scheduled': schedules,
  };
}
console.table(rows);

// The budget: a 280 s Lambda run stops 15 s before its end. Here each run gets the reserve plus
// 2 s, so a backlog takes several runs.
const store = await freshStore();
await backlog(store, ORDERS);
const options = sweepOptions(ZALOPAY_TIMEOUT_MS);
const sweep = makeHandler({ ...deps, store, sweep: options });
const runs: Record<string, Record<string, string | number | boolean>> = {};
for (let run = 1; run <= 50; run++) {
  const started = performance.now();
  const result = (await sweep({}, contextWithBudget(options.reserveMs + 2_000))) as SweepResult;
  runs[`run ${run}`] = {
    checked: result.checked,
    'stopped for time': result.stoppedForTime,
    seconds: ((performance.now() - started) / 1000).toFixed(1),
  };
  if (!result.stoppedForTime) break;
}
console.table(runs);
console.log(
  `Node ${process.versions.node}; each check: GetItem, ZaloPay /v2/query, PutItem (change or next check), ` +
    'history PutItem; CreateSchedule not timed. One run with a budget of the reserve + 2 s per run above.',
);
await zalopay.close();
await dynamo.close();
