/**
 * Load: concurrent buyers on the local runtime (`npm start`'s composition, dynalite in memory, the
 * built-in emulator), each creating an order through the API and paying it on the emulator's page,
 * whose callback then settles it. autocannon drives the HTTP side; afterwards every order is read
 * back to count the lost (created but not PAID) and the double-counted (paid more than once in its
 * records, or counted twice in the metrics). Both must be 0. Bounded by a request count, loopback only.
 */
import autocannon from 'autocannon';
import { startLocalApp } from '../local/app';
import { percentile } from './stats';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const app = await startLocalApp({
  env: {
    PORT: '0',
    LOG_LEVEL: 'SILENT',
    // No status check during the run: every order is settled by its callback, or it is lost.
    STATUS_CHECK_DELAY_SECONDS: '3600',
    SWEEP_INTERVAL_SECONDS: '3600',
  },
  emulator: { callbackRetryDelayMs: 50 },
});

interface Buyer {
  appTransId?: string;
  token?: string;
  createdAt?: number;
}
/** Every order the API created. */
const created = new Set<string>();
/** The orders their buyer paid on the emulator's page: each must end PAID, exactly once. */
const paidByBuyer = new Set<string>();
const createMs: number[] = [];
const statuses = new Map<string, number>();
const tally = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);

const started = performance.now();
const result = await autocannon({
  url: app.url,
  connections: CONNECTIONS,
  // Two requests per buyer: create, then pay.
  amount: BUYERS * 2,
  timeout: 30,
  requests: [
    {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 50_000, description: 'Cà phê sữa đá × 2' }),
      setupRequest: (request, context: Buyer) => {
        context.createdAt = performance.now();
        return request;
      },
      onResponse: (status, body, context: Buyer) => {
        tally(`POST /orders ${status}`);
        context.token = undefined;
        context.appTransId = undefined;
        if (status !== 201) return;
        createMs.push(performance.now() - (context.createdAt ?? 0));
        const order = JSON.parse(body) as { appTransId: string; zpTransToken: string };
        created.add(order.appTransId);
        context.appTransId = order.appTransId;
        context.token = order.zpTransToken;
      },
    },
    {
      method: 'POST',
      path: '/emulator/openinapp/pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request, context: Buyer) => ({
        ...request,
        body: new URLSearchParams({
          token: context.token ?? '',
          action: 'pay',
          callback: 'deliver',
        }).toString(),
      }),
      onResponse: (status, _body, context: Buyer) => {
        tally(`pay ${status}`);
        if (status === 303 && context.appTransId) paidByBuyer.add(context.appTransId);
      },
    },
  ],
});
// Callbacks are sent after the pay page answers: wait for every one to be delivered.
await app.emulator.idle();
const seconds = (performance.now() - started) / 1000;

let lost = 0;
let doubled = 0;
let paid = 0;
for (const appTransId of created) {
  const order = await app.store.get(appTransId);
  const history = await app.store.history(appTransId);
  const paidRecords = (order?.transitions ?? []).filter((t) => t.to === 'PAID').length;
  const paidEntries = history.filter((e) => e.outcome === 'CHANGED' && e.to === 'PAID').length;
  if (order?.status === 'PAID') paid++;
  // Paid by its buyer but not PAID here: the money would be lost to the shop.
  if (paidByBuyer.has(appTransId) && order?.status !== 'PAID') lost++;
  // Not paid by anyone but PAID, or paid more than once in its records.
  else if (
    order?.status === 'PAID' &&
    (!paidByBuyer.has(appTransId) || paidRecords !== 1 || paidEntries !== 1)
  )
    doubled++;
}
const counted = app.metrics.counts.get('OrderPaid') ?? 0;
if (counted !== paid) doubled += Math.abs(counted - paid);
const [load1] = (await import('node:os')).loadavg();
await app.close();

const ms = (n: number) => `${n.toFixed(1)} ms`;
console.log(`
Load: ${BUYERS} buyers over ${CONNECTIONS} connections, create then pay (local runtime, dynalite in memory)
  requests            ${result.requests.total} in ${seconds.toFixed(1)} s (${Object.entries(
    Object.fromEntries(statuses),
  )
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')})
  errors, timeouts    ${result.errors}, ${result.timeouts}
  orders created      ${created.size}, paid by their buyer ${paidByBuyer.size} (the run stops at a request count)
  orders PAID         ${paid}  (${(paid / seconds).toFixed(1)} orders/s, each settled by its callback)
  POST /orders        p50 ${ms(percentile(createMs, 0.5))}, p99 ${ms(percentile(createMs, 0.99))}
  all requests        p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (autocannon)
  lost orders         ${lost}
  double-counted      ${doubled}
  machine             ${(await import('node:os')).cpus().length} cores, load average ${load1?.toFixed(1)} at the end
`);
process.exit(lost === 0 && doubled === 0 ? 0 : 1);
