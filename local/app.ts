import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { makeHandler as callback } from '../functions/callback';
import { makeHandler as cancelOrder } from '../functions/cancel-order';
import { makeHandler as createOrder } from '../functions/create-order';
import { makeHandler as createRefund } from '../functions/create-refund';
import { makeHandler as getOrder } from '../functions/get-order';
import { makeHandler as listReviews } from '../functions/list-reviews';
import { apiDocument } from '../functions/openapi';
import { makeHandler as orderHistory } from '../functions/order-history';
import { makeHandler as pages } from '../functions/pages';
import { makeHandler as qr } from '../functions/qr';
import { makeHandler as readRefunds } from '../functions/read-refunds';
import { makeHandler as redirect } from '../functions/redirect';
import { API_ROUTES, CALLBACK_PATH, type HttpFunction } from '../functions/routes';
import { makeHandler as statusCheck } from '../functions/status-check';
import { DEFAULT_SWEEP, makeHandler as sweeper } from '../functions/sweeper';
import { makeHandler as syncOrder } from '../functions/sync-order';
import { DynamoIdempotencyStore } from '../shared/adapters/dynamodb/idempotency-store';
import { DynamoOrderStore } from '../shared/adapters/dynamodb/order-store';
import { InProcessStatusCheckScheduler } from '../shared/adapters/scheduler/in-process';
import { ZaloPayClient } from '../shared/adapters/zalopay/client';
import { type Clock, systemClock } from '../shared/core/clock';
import { type AppConfig, loadConfig } from '../shared/core/config';
import type { Log, MetricName, Metrics } from '../shared/core/observability';
import { checkPolicyOf } from '../shared/core/orders/checks';
import type { StatusCheckRequest, StatusCheckScheduler } from '../shared/core/ports/scheduler';
import type { ZaloPayCredentials, ZaloPayGateway } from '../shared/core/zalopay/types';
import { type LocalDynamo, startLocalDynamo } from './dynamo';
import { ZaloPayEmulator } from './emulator/emulator';
import {
  type HttpHandler,
  lambdaContext,
  listen,
  localRequestListener,
  type Route,
  startingUpListener,
} from './server';
import { type LocalSettings, localFallbacks, localSettings } from './settings';
import { TaskTracker } from './tasks';
import { readWebPages } from './web-pages';

/** Where the built-in ZaloPay emulator is served (the default ZALOPAY_API_BASE). */
const EMULATOR_PREFIX = '/emulator';

type Env = Readonly<Record<string, string | undefined>>;

export interface LocalAppOptions {
  /** Default: process.env. */
  env?: Env;
  clock?: Clock;
  log?: Log;
  /** Options for the built-in emulator (tests shorten its delays). */
  emulator?: { callbackRetryDelayMs?: number; refundDelayMs?: number };
  /** Wraps the ZaloPay client (tests count or sabotage calls). */
  wrapZaloPay?: (client: ZaloPayGateway) => ZaloPayGateway;
  /** Wraps the DynamoDB document client the stores use (tests count reads and writes). */
  wrapDynamo?: (client: DynamoDBDocumentClient) => DynamoDBDocumentClient;
  /** Wraps the status-check scheduler the handlers use (tests count schedules). */
  wrapScheduler?: (scheduler: StatusCheckScheduler) => StatusCheckScheduler;
  /**
   * Runs once the port is bound and before anything behind it is ready; start-up waits for it
   * (tests ask the server what it answers meanwhile).
   */
  whileStarting?: (url: string) => Promise<void>;
}

/** Counts business metrics in memory (CloudWatch gets them on AWS). */
export class CountingMetrics implements Metrics {
  readonly counts = new Map<MetricName, number>();
  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
}

export interface LocalApp {
  /** Where the API and pages are served, e.g. `http://localhost:3000`. */
  url: string;
  /** The address and port the server is bound to (HOST, 127.0.0.1 by default). */
  address: AddressInfo;
  config: AppConfig;
  credentials: ZaloPayCredentials;
  emulator: ZaloPayEmulator;
  /** True when the handlers call the built-in emulator (no ZALOPAY_API_BASE elsewhere). */
  emulated: boolean;
  /** The adapters, for tests that look behind the API. */
  store: DynamoOrderStore;
  dynamo: LocalDynamo;
  metrics: CountingMetrics;
  /** Where the data lives: 'memory' or the DATA_DIR path. */
  dataDir: string | undefined;
  /** Runs the sweeper once, as its 5-minute schedule would. */
  sweep(): Promise<void>;
  /** Runs a status check now, as its schedule would. */
  checkStatus(request: StatusCheckRequest): Promise<void>;
  /** Stops accepting requests, ends long-polls, cancels timers, waits for work in flight, closes DynamoDB. */
  close(): Promise<void>;
}

/**
 * The local composition root: the same handlers as on AWS, on one HTTP server, with dynalite for
 * DynamoDB, timers for EventBridge Scheduler and the built-in ZaloPay emulator (unless
 * ZALOPAY_API_BASE points elsewhere). Every variable of docs/configuration.md is honoured.
 */
export const startLocalApp = async (options: LocalAppOptions = {}): Promise<LocalApp> => {
  const env = options.env ?? process.env;
  const settings = localSettings(env);
  // Fail on a bad setting before anything listens; with PORT=0 the URLs are only known later.
  loadConfig(env, localFallbacks(settings.port, EMULATOR_PREFIX, settings.host));

  // Until the database and the handlers are ready, every request gets 503 with Retry-After.
  let listener: RequestListener = startingUpListener(CALLBACK_PATH);
  const server = createServer((req, res) => listener(req, res));
  const port = await listen(server, settings.port, settings.host);
  try {
    await options.whileStarting?.(localFallbacks(port, EMULATOR_PREFIX, settings.host).publicBaseUrl);
    return await startOn(server, port, settings, options, (ready) => {
      listener = ready;
    });
  } catch (error) {
    // Nothing may keep listening for a runtime that failed to start.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
};

/** Everything behind the bound port; `serve` switches the server to the real handlers once ready. */
const startOn = async (
  server: Server,
  port: number,
  settings: LocalSettings,
  options: LocalAppOptions,
  serve: (listener: RequestListener) => void,
): Promise<LocalApp> => {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const { credentials, merchantApiKey, dataDir, sweepIntervalSeconds, host } = settings;
  const config = loadConfig(env, localFallbacks(port, EMULATOR_PREFIX, host));
  const log =
    options.log ??
    new Logger({ serviceName: 'zalopay-qr-local', logLevel: config.logLevel, environment: 'local' });
  const metrics = new CountingMetrics();

  const dynamo = await startLocalDynamo({ dataDir });
  const table = {
    client: options.wrapDynamo ? options.wrapDynamo(dynamo.client) : dynamo.client,
    tableName: dynamo.tableName,
  };
  const store = new DynamoOrderStore(table);
  const idempotency = new DynamoIdempotencyStore(table);

  const emulator = new ZaloPayEmulator({
    apps: [credentials],
    baseUrl: `${config.publicBaseUrl}${EMULATOR_PREFIX}`,
    clock,
    logger: log,
    ...options.emulator,
  });
  const client = new ZaloPayClient({
    baseUrl: config.zalopayApiBase,
    credentials: async () => credentials,
    timeoutMs: config.zalopayTimeoutMs,
    now: () => clock().getTime(),
  });
  const zalopay = options.wrapZaloPay ? options.wrapZaloPay(client) : client;

  // The scheduler invokes the status-check handler, which schedules through the scheduler.
  let runCheck: (request: StatusCheckRequest) => Promise<void> = async () => undefined;
  const scheduler = new InProcessStatusCheckScheduler({
    deliver: (request) => runCheck(request),
    clock,
    onError: (error, request) => log.error('status check failed after retries', { ...request, error }),
  });

  /** Requests and sweeps under way: shutdown cuts long-polls short and waits for the rest. */
  const inFlight = new TaskTracker();
  const deps = {
    store,
    idempotency,
    zalopay,
    scheduler: options.wrapScheduler ? options.wrapScheduler(scheduler) : scheduler,
    credentials: async () => credentials,
    merchantApiKey: async () => merchantApiKey,
    clock,
    policy: checkPolicyOf(config),
    log,
    metrics,
    config,
    pollIntervalMs: config.longPollIntervalMs,
    // A long-poll ends, answering what it has, as soon as shutdown begins.
    sleep: (ms: number) => inFlight.sleep(ms),
    sweep: DEFAULT_SWEEP,
    zalopayTimeoutMs: config.zalopayTimeoutMs,
    pages: await readWebPages(),
    apiDocument: () => apiDocument({ ...config, urls: config }),
  };

  const functions: Record<HttpFunction, HttpHandler> = {
    'create-order': asHttp(createOrder(deps)),
    'get-order': asHttp(getOrder(deps)),
    qr: asHttp(qr(deps)),
    'sync-order': asHttp(syncOrder(deps)),
    'order-history': asHttp(orderHistory(deps)),
    'list-reviews': asHttp(listReviews(deps)),
    'create-refund': asHttp(createRefund(deps)),
    'read-refunds': asHttp(readRefunds(deps)),
    'cancel-order': asHttp(cancelOrder(deps)),
    redirect: asHttp(redirect(deps)),
    pages: asHttp(pages(deps)),
  };
  const routes: Route[] = [
    ...API_ROUTES.map((r) => ({ method: r.method, path: r.path, handler: functions[r.function] })),
    { method: 'POST', path: CALLBACK_PATH, handler: asHttp(callback(deps)) },
  ];
  const checkHandler = statusCheck(deps);
  runCheck = (request) => checkHandler(request, context('status-check'));
  const sweepHandler = sweeper(deps);
  const sweep = async () => {
    await sweepHandler({}, context('sweeper'));
  };
  const sweepSafely = () =>
    inFlight.track(sweep().catch((error: unknown) => log.error('sweeper failed', { error })));
  const sweepTimer = setInterval(sweepSafely, sweepIntervalSeconds * 1000);
  sweepTimer.unref();

  serve(
    localRequestListener({
      routes,
      mounts: [{ prefix: EMULATOR_PREFIX, handle: (req, res, path) => emulator.handle(req, res, path) }],
      log,
      tasks: inFlight,
    }),
  );

  // Orders kept in DATA_DIR lost their timers with the last process: pick up the overdue ones now.
  if (dataDir) sweepSafely();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweepTimer);
      server.closeIdleConnections();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Handlers still running finish their writes (their clients are gone) before the store closes.
      await Promise.all([stopped, inFlight.close(), scheduler.close(), emulator.close()]);
      await dynamo.close();
    })();
    return closing;
  };

  return {
    url: config.publicBaseUrl,
    address: server.address() as AddressInfo,
    config,
    credentials,
    emulator,
    emulated: config.zalopayApiBase === `${config.publicBaseUrl}${EMULATOR_PREFIX}`,
    store,
    dynamo,
    metrics,
    dataDir,
    sweep,
    checkStatus: runCheck,
    close,
  };
};

const context = (functionName: string): Context => lambdaContext(randomUUID(), functionName);

/** middy handlers take (event, context); this narrows them to what the HTTP server calls. */
const asHttp =
  (handler: (event: never, context: Context) => Promise<unknown>): HttpHandler =>
  (event: APIGatewayProxyEventV2, ctx: Context) =>
    handler(event as never, ctx) as ReturnType<HttpHandler>;
