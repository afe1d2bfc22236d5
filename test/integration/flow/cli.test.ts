import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runCli } from '../../../cli/zp';
import { useNpmStart } from '../../support/npm-start';
import { useReceiver } from '../../support/receiver';
import { waitFor } from '../../support/wait';

/**
 * The operator CLI (`npm run zp`, cli/zp.ts) against the local runtime started as `npm start`
 * starts it: a child process on a free port. Every command is run with its exit code; a few run
 * as their own process (`tsx cli/main.ts`) exactly as `npm run zp` does, the rest through the same
 * `runCli` in this process, to keep the suite fast.
 */
const KEY = 'cli-merchant-key';
/** The merchant's webhook receiver: it refuses everything until a test says otherwise, so events dead-letter. */
const receiver = useReceiver();
receiver.answerWith(() => 500);
const runtime = useNpmStart(() => ({
  LOG_LEVEL: 'SILENT',
  STATUS_CHECK_DELAY_SECONDS: '3600',
  STATUS_RECHECK_SECONDS: '0.05',
  MERCHANT_API_KEY: KEY,
  // A webhook whose retries end within a second, for `events`.
  WEBHOOK_URL: receiver.url(),
  WEBHOOK_RETRY_SECONDS: '0.05',
  WEBHOOK_RETRY_WINDOW_SECONDS: '0.3',
}));
let url = '';
beforeAll(() => {
  url = runtime.url();
});

/** Runs `zp` in this process: its exit code, what it printed, and the progress it drew. */
const zp = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { ZP_API: url, ZP_KEY: KEY },
    fetch,
    progress: (t) => progress.push(t),
    isTTY: args.includes('--tty-for-test') || undefined,
  };
  const code = await runCli(
    args.filter((a) => a !== '--tty-for-test'),
    io,
  );
  return { code, out: out.join('\n'), err: err.join('\n'), progress: progress.join('') };
};

/** Runs `zp` as its own process, as `npm run zp` does. */
const zpProcess = (...args: string[]) =>
  new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', ...args],
      { env: { ...process.env, ZP_API: url, ZP_KEY: KEY }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });

const post = async (path: string, body?: unknown) =>
  (
    await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
  ).json();

/** A new order, paid on the emulator's page with its callback delivered. */
const paidOrder = async (amount = 50_000): Promise<string> => {
  const order = await post('/orders', { amount });
  const page = await (await fetch(order.orderUrl)).text();
  await fetch(`${url}/emulator/openinapp/pay`, {
    method: 'POST',
    body: new URLSearchParams({ token: /name="token" value="([^"]+)"/.exec(page)![1]!, action: 'pay' }),
    redirect: 'manual',
  });
  await waitFor(async () => (await zp('order', order.appTransId, '--json')).out.includes('"PAID"'), {
    what: 'PAID',
  });
  return order.appTransId;
};

describe('npm run zp', () => {
  it('as its own process: help 0, a command that works 0, a refused one 1, a usage error 2', async () => {
    const id = await paidOrder(20_000);
    const [help, order, missing, bogus] = await Promise.all([
      zpProcess('--help'),
      zpProcess('order', id),
      zpProcess('order', '261128_nobody'),
      zpProcess('bogus'),
    ]);
    expect(help).toMatchObject({ code: 0, out: expect.stringContaining('Usage: npm run zp') });
    expect(order.code).toBe(0);
    expect(order.out).toMatch(new RegExp(`Order ${id}\\n\\s+status\\s+PAID`));
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining('NOT_FOUND') });
    expect(bogus).toMatchObject({ code: 2, err: expect.stringContaining('unknown command: bogus') });
    // tsx compiles the CLI in each process: seconds each, far more on a loaded machine.
  }, 180_000);

  it('order, history and sync, in clear text or --json', async () => {
    const id = await paidOrder();
    const order = await zp('order', id);
    expect(order.code).toBe(0);
    expect(order.out).toContain('50,000 VND');
    const json = await zp('order', id, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ appTransId: id, status: 'PAID', amount: 50_000 });
    const history = await zp('history', id);
    expect(history.code).toBe(0);
    expect(history.out).toMatch(/PENDING → PAID\s+callback/);
    expect(history.out).toContain('CALLBACK');
    expect((await zp('sync', id)).code).toBe(0);
    expect((await zp('history', id, '--key', 'wrong')).err).toContain('UNAUTHORIZED');
    expect((await zp('order', id, '--api', 'http://127.0.0.1:9')).code).toBe(1);
  });

  it('refund and refunds: a partial refund followed to SUCCEEDED, too much refused', async () => {
    const id = await paidOrder();
    const refund = await zp(
      'refund',
      id,
      '20000',
      '--description',
      'Hoàn tiền',
      '--idempotency-key',
      `k-${id}`,
    );
    expect(refund.code).toBe(0);
    expect(refund.out).toMatch(/Refund \d{6}_2553_\w+ of order/);
    const again = await zp(
      'refund',
      id,
      '20000',
      '--description',
      'Hoàn tiền',
      '--idempotency-key',
      `k-${id}`,
      '--json',
    );
    expect(JSON.parse(again.out).refund.mRefundId).toBe(refund.out.match(/Refund (\S+)/)![1]);
    await waitFor(async () => (await zp('refunds', id)).out.includes('SUCCEEDED'), { what: 'SUCCEEDED' });
    expect((await zp('refunds', id)).out).toContain('refunded 20,000 VND, refundable 30,000 VND');

    const tooMuch = await zp('refund', id, '30001');
    expect(tooMuch).toMatchObject({ code: 1, err: expect.stringContaining('REFUND_EXCEEDS_REFUNDABLE') });
    expect((await zp('refund', id, 'lots')).code).toBe(2);
    expect((await zp('refund')).code).toBe(2);
  });

  it('cancel, then a late callback sent with `callback`: PAID and in `review`', async () => {
    const order = await post('/orders', { amount: 30_000 });
    const id: string = order.appTransId;
    const cancelled = await zp('cancel', id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toMatch(/status\s+EXPIRED/);
    expect(cancelled.out).toMatch(/closed\s+CANCELLED/);

    const forged = await zp('callback', `${url}/zalopay/callback`, '--order', id, '--key2', 'not-our-key2');
    expect(forged).toMatchObject({ code: 1, out: expect.stringContaining('return_code -1') });
    const late = await zp('callback', `${url}/zalopay/callback`, '--order', id);
    expect(late.code).toBe(0);
    expect(late.out).toContain('return_code 1: accepted');
    expect(JSON.parse((await zp('order', id, '--json')).out)).toMatchObject({
      status: 'PAID',
      review: { reason: 'PAID_AFTER_CLOSE' },
    });

    const review = await zp('review', '--limit', '1');
    expect(review.code).toBe(0);
    expect(review.out).toMatch(new RegExp(`PAID_AFTER_CLOSE\\s+PAID\\s+30,000 VND\\s+${id}`));
    expect((await zp('cancel', id)).err).toContain('ORDER_NOT_CANCELLABLE');
    expect((await zp('callback', 'not a url', '--order', id)).code).toBe(2);
    expect((await zp('callback', `${url}/zalopay/callback`)).code).toBe(2);
  });

  it('events: the dead letters, and a replay by order id or event id under the same webhook-id', async () => {
    const { appTransId } = await post('/orders', { amount: 20_000 });
    const eventId = `${appTransId}.2`;
    await waitFor(async () => (await zp('events', 'dead-letters')).out.includes(eventId), {
      timeoutMs: 20_000,
      what: 'the dead letter',
    });
    const listed = await zp('events', 'dead-letters');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`${eventId}\\s+order.pending\\s+\\d+ attempts  answered HTTP 500`));

    receiver.answerWith(() => 204);
    const replayed = await zp('events', 'replay', appTransId);
    expect(replayed).toMatchObject({
      code: 0,
      out: expect.stringContaining(`Replayed 1, each under its own webhook-id:\n  ${eventId}`),
    });
    await waitFor(
      () => receiver.requests.some((r) => r.headers['webhook-id'] === eventId && r.at > 0) && true,
      {
        what: 'the replayed delivery',
      },
    );
    await waitFor(async () => !(await zp('events', 'dead-letters')).out.includes(eventId), {
      what: 'replayed',
    });

    // Delivered now: no longer a dead letter, so replaying it again is refused.
    expect(await zp('events', 'replay', eventId)).toMatchObject({
      code: 1,
      err: expect.stringContaining(`not dead letters (delivered, still being tried, or unknown): ${eventId}`),
    });
    expect((await zp('events', 'replay', appTransId)).code).toBe(1);
    expect((await zp('events', 'replay')).code).toBe(2);
    expect((await zp('events', 'replay', eventId, '--all')).code).toBe(2);
    expect((await zp('events')).code).toBe(2);
  });

  it('reconcile: the day against ZaloPay, a progress bar, --out files, exit 3 on a mismatch', async () => {
    // Today in Vietnam: the day of every order of this runtime. The earlier tests' orders are in it.
    const date = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const matched = await paidOrder(40_000);
    // Recorded here as paid 1,000 by a signed callback ZaloPay never sent: ZaloPay has no payment.
    const forged = (await post('/orders', { amount: 25_000 })).appTransId as string;
    expect(
      (await zp('callback', `${url}/zalopay/callback`, '--order', forged, '--amount', '1000')).code,
    ).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'zp-reconcile-'));

    const run = await zp('reconcile', date, '--limit', '2', '--out', dir, '--tty-for-test');

    expect(run.code).toBe(3);
    expect(run.out).toMatch(new RegExp(`Reconciliation of ${date} \\(Vietnam\\): \\d+ orders`));
    expect(run.out).toMatch(new RegExp(`Mismatched\\n(.*\\n)*\\s+${forged}\\s+REVIEW\\s+status`));
    expect(run.progress).toMatch(/\r {2}\[#+\] (\d+)\/\1/);
    const report = JSON.parse(await readFile(join(dir, `${date}.json`), 'utf8'));
    const row = (id: string) => report.rows.find((r: { appTransId: string }) => r.appTransId === id);
    expect(row(matched)).toMatchObject({ result: 'matched' });
    expect(row(forged)).toMatchObject({ result: 'mismatched', mismatches: ['status'], paidAmount: 1000 });
    expect(report.summary.orders).toBe(report.rows.length);
    const csv = await readFile(join(dir, `${date}.csv`), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^appTransId,result,mismatches,note,/);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(report.rows.length + 1);

    // --json: the report only, no progress; a bad day is a usage error.
    const json = await zp('reconcile', date, '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.out).summary).toMatchObject({ orders: report.rows.length });
    expect(json.progress).toBe('');
    expect((await zp('reconcile', '28-11-2026')).code).toBe(2);
    expect((await zp('reconcile', '2026-02-30')).err).toContain('VALIDATION_FAILED');
  });

  it('reconcile as its own process (npm run reconcile): plain progress lines off a terminal', async () => {
    const date = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const run = await zpProcess('reconcile', date);
    // The earlier test's forged payment is still a mismatch.
    expect(run.code).toBe(3);
    expect(run.err).toMatch(/ {2}reconciled (\d+)\/\1\n/);
    expect(run.out).toContain(`Reconciliation of ${date}`);
  }, 120_000);
});
