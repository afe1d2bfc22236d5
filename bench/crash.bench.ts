/**
 * Crash test: `npm start` with DATA_DIR, killed with SIGKILL again and again while buyers create
 * and pay orders and ZaloPay's callbacks arrive, then started again each time. ZaloPay (the
 * emulator, in this process) outlives every kill, as the real one would. At the end every order
 * must be settled as ZaloPay says (none stranded), every PAID order must carry the record of the
 * change that paid it, and no start may have failed. Prints the figures; exits 1 if an
 * invariant fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../local/dynamo';
import { type EmulatorOrder, startEmulatorServer } from '../local/emulator';
import { SANDBOX_APP_2553 } from '../local/sandbox';
import { isUnsettled, type Order } from '../shared/core/orders/model';

const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const BUYERS = Number(process.env.CRASH_BUYERS ?? 12);
/** How long the last start may take to settle what is left. */
const SETTLE_TIMEOUT_MS = 90_000;
const START_TIMEOUT_MS = 60_000;

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

const dataDir = await mkdtemp(join(tmpdir(), 'crash-bench-'));
// Callbacks are retried a few times, as ZaloPay retries them: most that a kill interrupts end up
// lost, which the status checks must make up for.
const zalopay = await startEmulatorServer({ apps: [SANDBOX_APP_2553] });
const port = await freePort();
const url = `http://localhost:${port}`;
const env = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: dataDir,
  ZALOPAY_API_BASE: zalopay.url,
  // Checks a few seconds after each order (callbacks normally come first), follow-ups soon after
  // that, a sweep every few seconds.
  STATUS_CHECK_DELAY_SECONDS: '5',
  STATUS_RECHECK_SECONDS: '0.5',
  SWEEP_INTERVAL_SECONDS: '5',
  LOG_LEVEL: 'info',
};

/** What every start of the child reported, and how the starts went. */
const figures = {
  starts: 0,
  startFailures: 0,
  restored: 0,
  removed: 0,
  repairFailed: 0,
  kills: 0,
  killsDuringStart: 0,
};

interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * `npm start` in one process (`node --import tsx`, no wrapper that a SIGKILL would orphan), once
 * it is ready; undefined if it failed to start, or if `killAfterMs` passed first and it was
 * killed while starting (repairing the index, re-arming checks, taking callbacks).
 */
const startChild = async (killAfterMs?: number): Promise<Child | undefined> => {
  figures.starts++;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ZaloPay QR demo is running')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => resolve(false));
  });
  if (killAfterMs !== undefined) {
    const killed = await Promise.race([ready.then(() => false), sleep(killAfterMs).then(() => true)]);
    if (killed) {
      child.kill('SIGKILL');
      await exited;
      figures.killsDuringStart++;
      return undefined;
    }
  }
  if (!(await ready)) {
    figures.startFailures++;
    console.error(`start ${figures.starts} failed:\n${output.slice(-3000)}`);
    child.kill('SIGKILL');
    await exited;
    return undefined;
  }
  for (const line of output.split('\n')) {
    if (!line.includes('"due checks restored after a restart"')) continue;
    const report = JSON.parse(line) as { restored: number; removed: number; failed: number };
    figures.restored += report.restored;
    figures.removed += report.removed;
    figures.repairFailed += report.failed;
  }
  return { process: child, exited };
};

/** One buyer: creates orders and, at ZaloPay, pays or cancels each, until told to stop. */
const buyer = async (stop: AbortSignal, onCreated: () => void) => {
  while (!stop.aborted) {
    try {
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: random(1_000, 500_000) }),
        signal: stop,
      });
      const body = (await response.json()) as { appTransId?: string };
      if (response.status !== 201 || !body.appTransId) continue;
      onCreated();
      const roll = Math.random();
      if (roll < 0.6) await zalopay.emulator.pay(body.appTransId, { callback: 'deliver' });
      else if (roll < 0.8) await zalopay.emulator.pay(body.appTransId, { callback: 'lost' });
      else zalopay.emulator.cancel(body.appTransId);
    } catch {
      if (stop.aborted) return;
      await sleep(50); // the process is going down or coming up
    }
  }
};

/** The buyers whose answer the kill swallowed left orders unpaid at ZaloPay: they pay or leave. */
const settleAbandoned = async () => {
  for (const order of zalopay.emulator.orders()) {
    if (order.status !== 'unpaid') continue;
    if (Math.random() < 0.5) await zalopay.emulator.pay(order.appTransId, { callback: 'deliver' });
    else zalopay.emulator.cancel(order.appTransId);
  }
};

const started = performance.now();
console.log(
  `Killing npm start (DATA_DIR) ${KILLS} times (during creates and callbacks, one in four while ` +
    `starting), ${BUYERS} buyers; ZaloPay emulator in this process…`,
);
for (let round = 0; round < KILLS; round++) {
  // One start in four is killed at a random moment while starting.
  const child = await startChild(round % 4 === 3 ? random(500, 8_000) : undefined);
  if (!child) continue;
  // The kill comes a moment after a random number of orders were created, while their payments
  // and callbacks, and the creates of the other buyers, are under way.
  const target = random(2, 15);
  let created = 0;
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const stop = new AbortController();
  const buyers = Array.from({ length: BUYERS }, () =>
    buyer(stop.signal, () => {
      if (++created >= target) reached();
    }),
  );
  await Promise.race([enough, sleep(20_000)]);
  await sleep(random(0, 1_500));
  child.process.kill('SIGKILL');
  figures.kills++;
  await child.exited;
  stop.abort();
  await Promise.all(buyers);
  await settleAbandoned();
}

/** Every order stored, read from DATA_DIR while nothing else has it open. */
const readOrders = async (): Promise<{ orders: Order[]; close: () => Promise<void> }> => {
  const dynamo = await startLocalDynamo({ dataDir });
  const orders: Order[] = [];
  for await (const page of paginateScan(
    { client: dynamo.client },
    {
      TableName: dynamo.tableName,
      FilterExpression: 'sk = :order',
      ExpressionAttributeValues: { ':order': 'ORDER' },
    },
  )) {
    for (const item of page.Items ?? []) orders.push(item as Order);
  }
  return { orders, close: dynamo.close };
};

/** Waits through the API until each order is settled, or the deadline passes. */
const waitSettled = async (ids: string[], deadline: number) => {
  const queue = [...ids];
  const follow = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      while (Date.now() < deadline) {
        const response = await fetch(`${url}/orders/${id}?wait=10&status=PENDING`).catch(() => undefined);
        const order = response?.ok ? ((await response.json()) as Order) : undefined;
        if (order && !isUnsettled(order.status)) break;
        // Still CREATING (the long-poll waits on PENDING only), or the process is not answering.
        if (order?.status !== 'PENDING') await sleep(500);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, follow));
};

// The last start: nothing is killed any more; whatever is unsettled must settle by itself.
const settleStarted = performance.now();
let unsettled = zalopay.emulator.orders().map((o) => o.appTransId);
for (let pass = 0; pass < 2 && unsettled.length > 0; pass++) {
  const child = await startChild();
  if (!child) break;
  await waitSettled(unsettled, Date.now() + SETTLE_TIMEOUT_MS);
  child.process.kill('SIGINT');
  await child.exited;
  // Orders stored but never sent to ZaloPay are only known to the store: look again.
  const { orders, close } = await readOrders();
  await close();
  unsettled = orders.filter((o) => isUnsettled(o.status)).map((o) => o.appTransId);
}
const settleSeconds = (performance.now() - settleStarted) / 1000;

const { orders, close } = await readOrders();
const atZaloPay = new Map<string, EmulatorOrder>(zalopay.emulator.orders().map((o) => [o.appTransId, o]));
const byStatus = new Map<string, number>();
for (const order of orders) byStatus.set(order.status, (byStatus.get(order.status) ?? 0) + 1);
const stranded = orders.filter((o) => isUnsettled(o.status));
const paidAtZaloPay = [...atZaloPay.values()].filter((o) => o.status === 'paid');
const paid = orders.filter((o) => o.status === 'PAID');
const moneyMismatches = [
  ...paidAtZaloPay.filter((z) => !paid.some((o) => o.appTransId === z.appTransId && o.amount === z.amount)),
  ...paid.filter((o) => atZaloPay.get(o.appTransId)?.status !== 'paid'),
];

/**
 * Whether the change that made `order` PAID is on record: its transition to PAID, written in the
 * same conditional write as the status (docs/state-machine.md §5), so no kill can separate them.
 */
const hasChangeRecord = (order: Order): boolean => order.transitions?.some((t) => t.to === 'PAID') ?? false;
const withoutRecord: string[] = [];
for (const order of paid) if (!hasChangeRecord(order)) withoutRecord.push(order.appTransId);
await close();
await zalopay.close();
await rm(dataDir, { recursive: true, force: true });

const count = (status: string) => byStatus.get(status) ?? 0;
console.table({
  'kills during creates and callbacks': { value: figures.kills },
  'kills while starting': { value: figures.killsDuringStart },
  starts: { value: figures.starts },
  'start-up failures': { value: figures.startFailures },
  'orders stored': { value: orders.length },
  'orders at ZaloPay': { value: atZaloPay.size },
  PAID: {
    value: `${count('PAID')} (callback ${paid.filter((o) => o.settledBy === 'callback').length}, query ${paid.filter((o) => o.settledBy === 'query').length})`,
  },
  FAILED: { value: count('FAILED') },
  'EXPIRED, REVIEW': { value: `${count('EXPIRED')}, ${count('REVIEW')}` },
  'repaired: entries written back': { value: figures.restored },
  'repaired: stale entries removed': { value: figures.removed },
  'repair failures': { value: figures.repairFailed },
  stranded: { value: stranded.length },
  'paid at ZaloPay ≠ PAID here': { value: moneyMismatches.length },
  'PAID without its change record': { value: withoutRecord.length },
});
console.log(
  `${((performance.now() - started) / 1000).toFixed(0)} s in all; the last start settled the rest in ` +
    `${settleSeconds.toFixed(1)} s. Change records: order.transitions.`,
);
const failures = [
  figures.startFailures > 0 && `${figures.startFailures} start-up failure(s)`,
  figures.repairFailed > 0 && `${figures.repairFailed} order(s) the repair could not fix`,
  stranded.length > 0 && `stranded: ${stranded.map((o) => `${o.appTransId} ${o.status}`).join(', ')}`,
  moneyMismatches.length > 0 &&
    `paid at ZaloPay but not PAID here, or the reverse: ${moneyMismatches.length}`,
  withoutRecord.length > 0 && `PAID without a transition to PAID: ${withoutRecord.join(', ')}`,
].filter(Boolean);
if (failures.length > 0) {
  console.error(`FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
