import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SANDBOX_APP_2553 } from '../local/sandbox';
import { type ReconciliationRow, summarize, toCsv } from '../shared/core/orders/reconcile';
import { callbackMac } from '../shared/core/zalopay/mac';

/**
 * `npm run zp -- <command>`: the operator's CLI (README "Operator CLI"). It speaks only the
 * project's HTTP API, against `npm start` by default or a deployed stage with `--api` and
 * `--key`, so it needs no AWS credentials and does exactly what a merchant's backend could.
 * Exit codes: 0 done, 1 the API or the network said no, 2 a usage error; `reconcile` also 3 (some
 * orders differ from ZaloPay) and 4 (none differ, some are unresolved).
 */

const USAGE = `Usage: npm run zp -- <command> [options]

Commands
  order <id>                 the order as the merchant sees it
  history <id>               its change records and every callback and query answer
  sync <id>                  query ZaloPay now (the order and its refunds not yet final)
  refund <id> <amount>       refund part or all of a paid order (VND)
                               --description <text>  the reason ZaloPay records
                               --idempotency-key <k> retry a refund safely (default: a new key, printed)
  refunds <id>               the order's refund ledger
  cancel <id>                close an unpaid order now
  review                     the orders and orphan payments waiting for a person
                               --limit <n>  per page (all pages are read)
  events dead-letters        the webhook's dead letters (deliveries given up after 24 h)
  events replay <id>         deliver again, under the same webhook-id: <id> is an event id
                               (<appTransId>.<version>) or an order id (all of its dead
                               letters); --all for every dead letter
  reconcile <yyyy-mm-dd>     compare a Vietnam day's orders with ZaloPay: matched, mismatched, unresolved
                               --out <dir>  also write <dir>/<yyyy-mm-dd>.json and .csv
                               --limit <n>  orders per API call (default 50)
  callback <url> --order <id>
                             sign a ZaloPay-style callback with key2 and send it to <url>
                               --amount <vnd>  default: the order's amount, read from the API
                               --app-id <n> --key2 <k>  default: ZALOPAY_APP_ID / ZALOPAY_KEY2,
                                                        else the public sandbox app 2553
                               --zp-trans-id <id>  default: a new one

Options
  --api <url>   the API (default: ZP_API, else http://localhost:\${PORT:-3000})
  --key <key>   the merchant x-api-key (default: ZP_KEY, MERCHANT_API_KEY, else dev-merchant-key)
  --json        print the API's JSON answer as it is, for scripts
  -h, --help    this help

Exit codes: 0 done, 1 the API or the network said no, 2 a usage error,
            3 reconcile found orders that differ from ZaloPay, 4 reconcile left orders unresolved
`;

/** A usage mistake: exit 2 with the usage. */
class UsageError extends Error {}

/** The API or the network refused: exit 1. */
class RequestFailed extends Error {
  constructor(
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Json = Record<string, unknown>;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Env;
  fetch: typeof fetch;
  /** Progress of a long run, written as it is (no newline added); absent: no progress shown. */
  progress?: (text: string) => void;
  /** Whether `progress` goes to a terminal: a bar redrawn in place, else a plain line now and then. */
  isTTY?: boolean;
}

interface Context {
  api: string;
  key: string;
  json: boolean;
  io: CliIo;
  values: Record<string, string | boolean | undefined>;
}

const OPTIONS = {
  api: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  description: { type: 'string' },
  'idempotency-key': { type: 'string' },
  limit: { type: 'string' },
  order: { type: 'string' },
  amount: { type: 'string' },
  'app-id': { type: 'string' },
  key2: { type: 'string' },
  'zp-trans-id': { type: 'string' },
  all: { type: 'boolean' },
  out: { type: 'string' },
} as const;

/** Runs one command line; resolves the exit code. Never throws. */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const ctx: Context = {
    api: (values.api ?? io.env.ZP_API ?? `http://localhost:${io.env.PORT ?? '3000'}`).replace(/\/+$/, ''),
    key: values.key ?? io.env.ZP_KEY ?? io.env.MERCHANT_API_KEY ?? 'dev-merchant-key',
    json: values.json === true,
    io,
    values,
  };
  try {
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command: ${command}`);
    const code = await run(ctx, args);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof RequestFailed) {
      if (ctx.json && error.body !== undefined) io.out(JSON.stringify(error.body, null, 2));
      io.err(`zp: ${error.message}`);
      return 1;
    }
    io.err(`zp: ${(error as Error).message}`);
    return 1;
  }
};

const idArg = (args: string[], what = 'order id'): string => {
  const id = args[0];
  if (!id) throw new UsageError(`missing the ${what}`);
  return id;
};

const positiveInt = (text: string | undefined, what: string): number => {
  const n = Number(text);
  if (!text || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${what} must be a whole number ≥ 1`);
  return n;
};

const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;

/** Calls the API with the merchant key; the JSON answer, or RequestFailed with its error. */
const call = async (
  ctx: Context,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> => {
  let response: Response;
  try {
    response = await ctx.io.fetch(`${ctx.api}${path}`, {
      method,
      headers: {
        'x-api-key': ctx.key,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new RequestFailed(`cannot reach ${ctx.api}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    throw new RequestFailed(`${method} ${path} answered HTTP ${response.status} without JSON`);
  }
  if (response.status >= 400) {
    const error = (json.error ?? {}) as { code?: string; message?: string };
    throw new RequestFailed(
      `${method} ${path}: HTTP ${response.status} ${error.code ?? ''}: ${error.message ?? text}`.trim(),
      json,
    );
  }
  return { status: response.status, body: json };
};

/** Prints the JSON as it is with --json, else the human lines. */
const show = (ctx: Context, body: unknown, lines: () => string[]) => {
  ctx.io.out(ctx.json ? JSON.stringify(body, null, 2) : lines().join('\n'));
};

const vnd = (n: unknown) => (typeof n === 'number' ? `${n.toLocaleString('en-US')} VND` : '—');
const field = (label: string, value: unknown) =>
  value === undefined || value === null ? [] : [`  ${label.padEnd(16)}${String(value)}`];

const orderLines = (o: Json): string[] => [
  `Order ${o.appTransId}`,
  ...field('status', o.status),
  ...field('review', (o.review as { reason?: string } | undefined)?.reason),
  ...field('closed', o.closedReason),
  ...field('amount', vnd(o.amount)),
  ...field('refunded', o.refundedAmount ? vnd(o.refundedAmount) : undefined),
  ...field('description', o.description),
  ...field('zpTransId', o.zpTransId),
  ...field('paidAt', o.paidAt),
  ...field('settledBy', o.settledBy),
  ...field('createdAt', o.createdAt),
  ...field('expiresAt', o.expiresAt),
  ...field('updatedAt', o.updatedAt),
];

const refundLine = (r: Json): string => {
  const failure = r.failure as { name?: string; subReturnCode?: number; retryable?: boolean } | undefined;
  return [
    `  ${String(r.mRefundId).padEnd(34)}`,
    `${String(r.status).padEnd(11)}`,
    vnd(r.amount).padStart(16),
    failure
      ? `  ${failure.name ?? failure.subReturnCode}${failure.retryable ? ' (may work if tried again)' : ''}`
      : '',
    r.nextCheckAt ? `  next check ${r.nextCheckAt}` : '',
  ].join(' ');
};

/** `reconcile`'s exit codes beyond 0, 1 and 2. */
export const EXIT_MISMATCHED = 3;
export const EXIT_UNRESOLVED = 4;

/** A progress bar on a terminal, a line per tenth otherwise, nothing with --json or without `progress`. */
const progressOf = (ctx: Context) => {
  const write = ctx.json ? undefined : ctx.io.progress;
  let shown = -1;
  return {
    update(done: number, total: number) {
      if (!write) return;
      const share = total === 0 ? 1 : Math.min(1, done / total);
      if (ctx.io.isTTY) {
        const width = 30;
        const filled = Math.round(share * width);
        write(`\r  [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
      } else if (Math.floor(share * 10) > shown) {
        shown = Math.floor(share * 10);
        write(`  reconciled ${done}/${total}\n`);
      }
    },
    end() {
      if (write && ctx.io.isTTY) write('\n');
    },
  };
};

const reconcileLines = (date: string, rows: ReconciliationRow[]): string[] => {
  const s = summarize(date, rows);
  const listed = (result: ReconciliationRow['result'], title: string) => {
    const found = rows.filter((r) => r.result === result);
    return found.length === 0
      ? []
      : [
          title,
          ...found.map(
            (r) =>
              `  ${r.appTransId.padEnd(30)} ${String(r.status).padEnd(8)} ${(r.mismatches.join(',') || r.zalopay.state).padEnd(14)} ${r.note}`,
          ),
        ];
  };
  return [
    `Reconciliation of ${date} (Vietnam): ${s.orders} orders`,
    `  matched     ${s.matched}`,
    `  mismatched  ${s.mismatched}`,
    `  unresolved  ${s.unresolved}`,
    `  queried ${s.queried} (the rest were settled by a query), changed ${s.applied}`,
    `  collected ${vnd(s.collectedHere)} here, ${vnd(s.collectedAtZaloPay)} at ZaloPay; refunded ${vnd(s.refundedHere)}`,
    ...listed('mismatched', 'Mismatched'),
    ...listed('unresolved', 'Unresolved'),
  ];
};

/** Each command; one that resolves a number exits with it (reconcile), the others with 0. */
const COMMANDS: Record<string, (ctx: Context, args: string[]) => Promise<unknown>> = {
  reconcile: async (ctx, args) => {
    const date = args[0];
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError('reconcile needs a day, yyyy-mm-dd');
    const limit = ctx.values.limit === undefined ? 50 : positiveInt(String(ctx.values.limit), '--limit');
    const rows: ReconciliationRow[] = [];
    const progress = progressOf(ctx);
    let cursor: string | undefined;
    do {
      const { body } = await call(ctx, 'POST', '/reconciliations', {
        date,
        limit,
        ...(cursor && { cursor }),
      });
      rows.push(...(body.rows as ReconciliationRow[]));
      progress.update(rows.length, body.total as number);
      cursor = typeof body.nextCursor === 'string' ? body.nextCursor : undefined;
    } while (cursor);
    progress.end();
    const summary = summarize(date, rows);
    const out = ctx.values.out;
    const written: string[] = [];
    if (typeof out === 'string') {
      await mkdir(out, { recursive: true });
      const json = join(out, `${date}.json`);
      const csv = join(out, `${date}.csv`);
      await writeFile(json, `${JSON.stringify({ summary, rows }, null, 2)}\n`);
      await writeFile(csv, toCsv(rows));
      written.push(json, csv);
    }
    show(ctx, { summary, rows }, () => [
      ...reconcileLines(date, rows),
      ...(written.length ? [`Wrote ${written.join(' and ')}`] : []),
    ]);
    return summary.mismatched > 0 ? EXIT_MISMATCHED : summary.unresolved > 0 ? EXIT_UNRESOLVED : 0;
  },

  order: async (ctx, args) => {
    const { body } = await call(ctx, 'GET', orderPath(idArg(args)));
    show(ctx, body, () => orderLines(body));
  },

  history: async (ctx, args) => {
    const { body } = await call(ctx, 'GET', `${orderPath(idArg(args))}/history`);
    show(ctx, body, () => [
      `Order ${body.appTransId}: ${body.status}`,
      'Changes',
      ...((body.transitions ?? []) as Json[]).map(
        (t) =>
          `  ${t.at}  ${String(t.from ?? '').padStart(9)} → ${String(t.to).padEnd(9)} ${String(t.trigger).padEnd(9)}${t.review ? ` review ${t.review}` : ''}`,
      ),
      'History',
      ...((body.history ?? []) as Json[]).map(
        (h) =>
          `  ${h.at}  ${String(h.kind).padEnd(12)} ${String(h.trigger ?? '').padEnd(9)} ${String(h.outcome).padEnd(9)}${h.to ? ` ${h.from ? `${h.from} → ` : ''}${h.to}` : ''}`,
      ),
    ]);
  },

  sync: async (ctx, args) => {
    const { body } = await call(ctx, 'POST', `${orderPath(idArg(args))}/sync`);
    show(ctx, body, () => orderLines(body));
  },

  refund: async (ctx, args) => {
    const id = idArg(args);
    const amount = positiveInt(args[1], 'the amount');
    const given = ctx.values['idempotency-key'];
    const key = typeof given === 'string' ? given : `zp-cli-${randomBytes(12).toString('hex')}`;
    const description = ctx.values.description;
    const { status, body } = await call(
      ctx,
      'POST',
      `${orderPath(id)}/refunds`,
      { amount, ...(typeof description === 'string' && { description }) },
      { 'idempotency-key': key },
    );
    const refund = body.refund as Json;
    show(ctx, body, () => [
      `Refund ${refund.mRefundId} of order ${id}: ${refund.status}${status === 202 ? ' (followed until ZaloPay says; see `zp refunds`)' : ''}`,
      refundLine(refund),
      `  order ${body.orderStatus}, refunded ${vnd(body.refundedAmount)}`,
      `  Idempotency-Key ${key} (retry with --idempotency-key ${key})`,
    ]);
    if (refund.status === 'FAILED') throw new RequestFailed(`ZaloPay did not refund ${refund.mRefundId}`);
  },

  refunds: async (ctx, args) => {
    const { body } = await call(ctx, 'GET', `${orderPath(idArg(args))}/refunds`);
    show(ctx, body, () => [
      `Order ${body.appTransId}: ${body.status}, paid ${vnd(body.paidAmount)}, refunded ${vnd(body.refundedAmount)}, refundable ${vnd(body.refundableAmount)}`,
      ...((body.refunds ?? []) as Json[]).map(refundLine),
    ]);
  },

  cancel: async (ctx, args) => {
    const { body } = await call(ctx, 'POST', `${orderPath(idArg(args))}/cancel`);
    show(ctx, body, () => [
      ...orderLines(body),
      '  Its QR no longer works; a payment that still arrives is kept and flagged for review.',
    ]);
  },

  review: async (ctx) => {
    const limit = ctx.values.limit === undefined ? 50 : positiveInt(String(ctx.values.limit), '--limit');
    const reviews: Json[] = [];
    let cursor: string | undefined;
    do {
      const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body } = await call(ctx, 'GET', `/reviews${query}`);
      reviews.push(...((body.reviews ?? []) as Json[]));
      cursor = typeof body.nextCursor === 'string' ? body.nextCursor : undefined;
    } while (cursor);
    show(ctx, { reviews }, () =>
      reviews.length === 0
        ? ['Nothing waits for a person.']
        : [
            `${reviews.length} waiting for a person, newest first`,
            ...reviews.map(
              (r) =>
                `  ${String(r.since).padEnd(25)} ${String(r.reason).padEnd(20)} ${String(r.status).padEnd(7)} ${vnd(r.paidAmount ?? r.amount).padStart(16)}  ${r.appTransId}`,
            ),
          ],
    );
  },

  events: async (ctx, args) => {
    const [sub, id] = args;
    if (sub === 'dead-letters') {
      const { body } = await call(ctx, 'GET', '/webhooks/dead-letters?limit=1000');
      const dead = (body.deadLetters ?? []) as Json[];
      show(ctx, body, () =>
        dead.length === 0
          ? ['No dead letters: every webhook delivery went through or is still being tried.']
          : [
              `${dead.length} dead letter${dead.length === 1 ? '' : 's'}, oldest event first`,
              ...dead.map((d) => {
                const event = d.event as Json;
                return `  ${String(event.id).padEnd(40)} ${String(event.type).padEnd(17)} ${String(d.attempts).padStart(3)} attempts  ${d.lastError ?? ''}`;
              }),
            ],
      );
      return;
    }
    if (sub !== 'replay') throw new UsageError('events needs dead-letters or replay');
    let ids: string[] | undefined;
    if (ctx.values.all === true) {
      if (id) throw new UsageError('events replay takes an id or --all, not both');
    } else if (!id) {
      throw new UsageError('events replay needs an event id, an order id or --all');
    } else if (/\.\d+$/.test(id)) {
      ids = [id];
    } else {
      // An order id: every dead letter of that order.
      const { body } = await call(ctx, 'GET', '/webhooks/dead-letters?limit=1000');
      ids = ((body.deadLetters ?? []) as Json[])
        .map((d) => d.event as { id: string; data: { order: { appTransId: string } } })
        .filter((event) => event.data.order.appTransId === id)
        .map((event) => event.id);
      if (ids.length === 0) throw new RequestFailed(`no dead letter of order ${id}`);
    }
    const { body } = await call(ctx, 'POST', '/webhooks/dead-letters/replay', ids ? { ids } : {});
    const replayed = (body.replayed ?? []) as string[];
    show(ctx, body, () => [
      replayed.length === 0
        ? 'Nothing replayed.'
        : `Replayed ${replayed.length}, each under its own webhook-id:`,
      ...replayed.map((r) => `  ${r}`),
    ]);
    if (ids && replayed.length < ids.length) {
      const missing = ids.filter((i) => !replayed.includes(i));
      throw new RequestFailed(
        `not dead letters (delivered, still being tried, or unknown): ${missing.join(', ')}`,
      );
    }
  },

  callback: async (ctx, args) => {
    const url = args[0];
    if (!url || !URL.canParse(url)) throw new UsageError('callback needs the URL to send it to');
    const id = ctx.values.order;
    if (typeof id !== 'string') throw new UsageError('callback needs --order <id>');
    const env = ctx.io.env;
    const appId = positiveInt(
      String(ctx.values['app-id'] ?? env.ZALOPAY_APP_ID ?? SANDBOX_APP_2553.appId),
      '--app-id',
    );
    const key2 = String(ctx.values.key2 ?? env.ZALOPAY_KEY2 ?? SANDBOX_APP_2553.key2);
    const amount =
      ctx.values.amount !== undefined
        ? positiveInt(String(ctx.values.amount), '--amount')
        : ((await call(ctx, 'GET', orderPath(id))).body.amount as number);
    const now = Date.now();
    const zpTransId = String(ctx.values['zp-trans-id'] ?? `${now}`.slice(-12).padStart(15, '9'));
    // ZaloPay's callback `data` (docs/zalopay-protocol.md §6), signed as sent.
    const data = JSON.stringify({
      app_id: appId,
      app_trans_id: id,
      app_time: now,
      app_user: 'zp-cli',
      amount,
      embed_data: '{}',
      item: '[]',
      zp_trans_id: Number(zpTransId),
      server_time: now,
      channel: 38,
      merchant_user_id: 'zp-cli',
      user_fee_amount: 0,
      discount_amount: 0,
    });
    let response: Response;
    try {
      response = await ctx.io.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data, mac: callbackMac(key2, data), type: 1 }),
      });
    } catch (error) {
      throw new RequestFailed(`cannot reach ${url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let answer: Json;
    try {
      answer = JSON.parse(text) as Json;
    } catch {
      throw new RequestFailed(`the callback answered HTTP ${response.status} without JSON`);
    }
    const code = answer.return_code;
    const meaning =
      {
        1: 'accepted: the payment is recorded',
        2: 'already recorded (a duplicate)',
        0: 'failed on its side: ZaloPay would retry',
        [-1]: 'refused: the MAC does not verify (wrong key2?)',
      }[code as number] ?? 'an answer ZaloPay does not know';
    show(ctx, answer, () => [
      `Callback for ${id} (${vnd(amount)}, zp_trans_id ${zpTransId}) → HTTP ${response.status}, return_code ${String(code)}: ${meaning}`,
      ...field('return_message', answer.return_message),
    ]);
    if (code !== 1 && code !== 2)
      throw new RequestFailed(`the callback was not accepted (return_code ${String(code)})`);
  },
};
