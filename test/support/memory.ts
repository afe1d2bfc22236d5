import { InMemoryOrderStore, type OrderStoreOperation } from '../../shared/adapters/memory/order-store';
import { RecordingScheduler } from '../../shared/adapters/memory/scheduler';
import { ScriptedZaloPay } from '../../shared/adapters/memory/zalopay';
import type { Log, MetricName, Metrics } from '../../shared/core/observability';
import type { CallbackDeps } from '../../shared/core/orders/callback';
import { DEFAULT_CHECK_POLICY } from '../../shared/core/orders/checks';
import type { CreateOrderDeps } from '../../shared/core/orders/create';
import type { RedirectDeps } from '../../shared/core/orders/redirect';
import type { QueryOrderResult } from '../../shared/core/zalopay/types';
import { manualClock } from './clock';
import { T0 } from './orders';
import { SANDBOX } from './sandbox';

/** One line a use case logged. */
export interface LogLine {
  level: keyof Log;
  message: string;
  extra: Record<string, unknown>;
}

/** A {@link Log} that keeps every line, for tests that assert what an operator would be told. */
export const recordingLog = (): Log & { lines: LogLine[] } => {
  const lines: LogLine[] = [];
  const at =
    (level: keyof Log) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, extra: Object.assign({}, ...extra) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** {@link Metrics} that adds up what was counted. */
export const countingMetrics = (): Metrics & { counts: Partial<Record<MetricName, number>> } => {
  const counts: Partial<Record<MetricName, number>> = {};
  return {
    counts,
    count: (name, value = 1) => {
      counts[name] = (counts[name] ?? 0) + value;
    },
  };
};

/** What create-order sends ZaloPay besides the order. */
export const CONFIG = {
  callbackUrl: 'https://api.example.com/zalopay/callback',
  redirectUrl: 'https://api.example.com/zalopay/redirect',
  merchantName: 'ZaloPay QR demo',
} as const;

/** Everything every order use case takes. */
export type UseCaseDeps = CreateOrderDeps & CallbackDeps & RedirectDeps;

/** The use cases' world in memory: the adapters to script and inspect, and the deps built from them. */
export interface InMemoryWorld {
  deps: UseCaseDeps;
  store: InMemoryOrderStore;
  zalopay: ScriptedZaloPay;
  scheduler: RecordingScheduler;
  clock: ReturnType<typeof manualClock>;
  log: ReturnType<typeof recordingLog>;
  metrics: ReturnType<typeof countingMetrics>;
}

/** A fresh world whose clock stands at `now` until a test moves it. */
export const inMemoryWorld = (now: Date = T0): InMemoryWorld => {
  const store = new InMemoryOrderStore();
  const zalopay = new ScriptedZaloPay();
  const scheduler = new RecordingScheduler();
  const clock = manualClock(now);
  const log = recordingLog();
  const metrics = countingMetrics();
  const deps: UseCaseDeps = {
    store,
    zalopay,
    scheduler,
    clock,
    log,
    metrics,
    policy: DEFAULT_CHECK_POLICY,
    config: CONFIG,
    credentials: async () => SANDBOX,
  };
  return { deps, store, zalopay, scheduler, clock, log, metrics };
};

/**
 * A fresh {@link inMemoryWorld} for each test of the calling file, its clock at `now`; after each
 * test, fails it if ZaloPay was asked something unscripted or a scripted answer went unused.
 * Returns an accessor.
 */
export const useInMemoryWorld = (now: Date = T0): (() => InMemoryWorld) => {
  let world: InMemoryWorld | undefined;
  beforeEach(() => {
    world = inMemoryWorld(now);
  });
  afterEach(() => {
    world?.zalopay.verify();
    world = undefined;
  });
  return () => {
    if (!world) throw new Error('the in-memory world exists only inside a test');
    return world;
  };
};

const WRITES: readonly OrderStoreOperation[] = ['create', 'replace', 'appendHistory'];

/** The write calls made to the store, in order. */
export const writesTo = (store: InMemoryOrderStore): OrderStoreOperation[] =>
  store.calls.map((c) => c.operation).filter((operation) => WRITES.includes(operation));

/** A query answer: "not paid yet, not processing" unless told otherwise. */
export const queryAnswer = (overrides: Partial<QueryOrderResult> = {}): QueryOrderResult => ({
  returnCode: 3,
  returnMessage: '',
  subReturnCode: undefined,
  subReturnMessage: '',
  isProcessing: false,
  amount: undefined,
  zpTransId: undefined,
  serverTime: undefined,
  discountAmount: undefined,
  ...overrides,
});
