import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { makeHandler as callback } from '../functions/callback';
import { makeHandler as cancelOrder } from '../functions/cancel-order';
import { makeHandler as createOrder } from '../functions/create-order';
import { makeHandler as createRefund } from '../functions/create-refund';
import { makeHandler as deadLetters } from '../functions/dead-letters';
import { makeHandler as getOrder } from '../functions/get-order';
import { makeHandler as listReviews } from '../functions/list-reviews';
import { apiDocument } from '../functions/openapi';
import { makeHandler as orderEvents } from '../functions/order-events';
import { makeHandler as orderHistory } from '../functions/order-history';
import { makeHandler as pages } from '../functions/pages';
import { makeHandler as qr } from '../functions/qr';
import { makeHandler as readRefunds } from '../functions/read-refunds';
import { routeOptions } from '../functions/reconcile';
import { makeHandler as reconciliations } from '../functions/reconciliations';
import { makeHandler as redirect } from '../functions/redirect';
import { API_ROUTES, CALLBACK_PATH, type HttpFunction } from '../functions/routes';
import { makeHandler as statusCheck } from '../functions/status-check';
import { makeHandler as sweeper, sweepOptions } from '../functions/sweeper';
import { makeHandler as syncOrder } from '../functions/sync-order';
import { DynamoIdempotencyStore } from '../shared/adapters/dynamodb/idempotency-store';
import { DynamoOrderStore } from '../shared/adapters/dynamodb/order-store';
import { AppSyncEventsPublisher } from '../shared/adapters/events/appsync';
import { InProcessStatusCheckScheduler } from '../shared/adapters/scheduler/in-process';
import { WebhookSender } from '../shared/adapters/webhook/sender';
import { ZaloPayClient } from '../shared/adapters/zalopay/client';
import { type Clock, systemClock } from '../shared/core/clock';
import { type AppConfig, loadConfig } from '../shared/core/config';
import type { Log, MetricName, Metrics } from '../shared/core/observability';
import { checkPolicyOf } from '../shared/core/orders/checks';
import type { EventSink } from '../shared/core/ports/events';
import type { StatusCheckRequest, StatusCheckScheduler } from '../shared/core/ports/scheduler';
import type { ZaloPayCredentials, ZaloPayGateway } from '../shared/core/zalopay/types';
import { type DueChecksRepair, repairDueChecks } from './due-checks-repair';
import { type LocalDynamo, startLocalDynamo } from './dynamo';
import { ZaloPayEmulator } from './emulator/emulator';
import { LocalEventApi, PUBLISH_PATH, REALTIME_PATH } from './events/appsync';
import { LocalChangeFeed } from './events/stream';
import { LocalWebhooks } from './events/webhooks';
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
  /** Wraps the consumers of order events (tests record events or make a consumer fail). */
  wrapEventSinks?: (sinks: EventSink[]) => EventSink[];
  /** Order events' timings (tests shorten them). */
  events?: { streamRetryDelayMs?: number; keepAliveMs?: number };
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
  /** With DATA_DIR: what the start-up repair of the due-checks index found and did. */
  repair: DueChecksRepair | undefined;
  /** Order events (docs/events.md): the change feed, the push endpoint, the webhook (when WEBHOOK_URL is set). */
  events: {
    feed: LocalChangeFeed;
    push: LocalEventApi;
    /** Where pages connect: `ws://localhost:3000/event/realtime`. */
    realtimeUrl: string;
    webhooks: LocalWebhooks | undefined;
    /** WEBHOOK_URL, when set. */
    webhookUrl: string | undefined;
    /** Resolves once every change so far has been handed over and no webhook attempt is running or waiting. */
    idle(): Promise<void>;
  };
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
  const { credentials, merchantApiKey, dataDir, sweepIntervalSeconds, host, emulatorAppCallbackUrl } =
    settings;
  const config = loadConfig(env, localFallbacks(port, EMULATOR_PREFIX, host));
  const log =
    options.log ??
    new Logger({ serviceName: 'zalopay-qr-local', logLevel: config.logLevel, environment: 'local' });
  const metrics = new CountingMetrics();

  const dynamo = await startLocalDynamo({ dataDir });
  // The stream's stand-in sees every write the stores make; the handler it feeds is built below.
  let handleChanges: ConstructorParameters<typeof LocalChangeFeed>[0]['handler'] = async () => undefined;
  const feed = new LocalChangeFeed({
    handler: (event) => handleChanges(event),
    tableName: dynamo.tableName,
    log,
    ...(options.events?.streamRetryDelayMs !== undefined && {
      retryDelayMs: options.events.streamRetryDelayMs,
    }),
  });
  const table = {
    client: feed.wrap(options.wrapDynamo ? options.wrapDynamo(dynamo.client) : dynamo.client),
    tableName: dynamo.tableName,
  };
  const store = new DynamoOrderStore(table);
  // A killed process can leave the index out of step with the orders (local/due-checks-repair.ts).
  const repair = dataDir ? await repairDueChecks({ ...dynamo, client: dynamo.baseClient }, log) : undefined;
  const idempotency = new DynamoIdempotencyStore(table);

  const emulator = new ZaloPayEmulator({
    apps: [
      {
        ...credentials,
        name: config.merchantName,
        callbackUrl: emulatorAppCallbackUrl ?? config.callbackUrl,
      },
    ],
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

  // Order events (docs/events.md): the buyer push through the AppSync Events stand-in, published
  // by the same signed HTTP client as on AWS (with credentials made up for this process), and the
  // merchant webhook when WEBHOOK_URL is set. No EventBridge locally.
  const publisherCredentials = {
    accessKeyId: 'local-order-events',
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const realtimeUrl = `${config.publicBaseUrl.replace(/^http/, 'ws')}${REALTIME_PATH}`;
  const push = new LocalEventApi({
    apiKey: settings.eventsApiKey,
    host: new URL(config.publicBaseUrl).host,
    credentials: publisherCredentials,
    region: 'local',
    log,
    ...(options.events?.keepAliveMs !== undefined && { keepAliveMs: options.events.keepAliveMs }),
  });
  const webhook = settings.webhook;
  const webhooks =
    webhook.url === undefined
      ? undefined
      : new LocalWebhooks({
          client: dynamo.client,
          tableName: dynamo.tableName,
          sender: new WebhookSender({ url: webhook.url, secret: () => webhook.secret }),
          policy: webhook.retry,
          clock,
          log,
          metrics,
        });
  const sinks: EventSink[] = [
    new AppSyncEventsPublisher({
      // The server itself, whatever PUBLIC_BASE_URL says.
      endpoint: `${loopbackUrl(server)}${PUBLISH_PATH}`,
      region: 'local',
      credentials: () => publisherCredentials,
    }),
    ...(webhooks ? [webhooks] : []),
  ];
  const changesHandler = orderEvents({
    sinks: options.wrapEventSinks ? options.wrapEventSinks(sinks) : sinks,
    config,
    log,
    metrics,
  });
  handleChanges = (event) => changesHandler(event, context('order-events'));

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
    sweep: sweepOptions(config.zalopayTimeoutMs),
    reconcile: routeOptions(config.zalopayTimeoutMs),
    zalopayTimeoutMs: config.zalopayTimeoutMs,
    pages: await readWebPages(),
    push: {
      realtimeUrl,
      host: new URL(config.publicBaseUrl).host,
      apiKey: settings.eventsApiKey,
    },
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
    // Without a webhook there are no dead letters, and its routes are not served (below).
    'dead-letters': asHttp(
      deadLetters({ ...deps, deadLetters: webhooks ?? { list: async () => [], replay: async () => [] } }),
    ),
    reconciliations: asHttp(reconciliations(deps)),
    redirect: asHttp(redirect(deps)),
    pages: asHttp(pages(deps)),
  };
  const routes: Route[] = [
    ...API_ROUTES.filter((r) => !r.webhook || webhooks).map((r) => ({
      method: r.method,
      path: r.path,
      handler: functions[r.function],
    })),
    { method: 'POST', path: CALLBACK_PATH, handler: asHttp(callback(deps)) },
  ];
  const checkHandler = statusCheck(deps);
  runCheck = (request) => checkHandler(request, context('status-check'));
  const sweepHandler = sweeper(deps);
  // One sweep at a time, each with its period as its time budget, as the sweeper's reserved
  // concurrency of 1 and its timeout shorter than its period make it on AWS.
  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    sweeping ??= (async () => {
      const deadline = Date.now() + sweepIntervalSeconds * 1000;
      try {
        await sweepHandler(
          {},
          { ...context('sweeper'), getRemainingTimeInMillis: () => deadline - Date.now() },
        );
      } finally {
        sweeping = undefined;
      }
    })();
    return sweeping;
  };
  const sweepSafely = () =>
    inFlight.track(sweep().catch((error: unknown) => log.error('sweeper failed', { error })));
  const sweepTimer = setInterval(sweepSafely, sweepIntervalSeconds * 1000);
  sweepTimer.unref();

  serve(
    localRequestListener({
      routes,
      mounts: [
        { prefix: EMULATOR_PREFIX, handle: (req, res, path) => emulator.handle(req, res, path) },
        { prefix: PUBLISH_PATH, handle: (req, res, path) => push.handle(req, res, path) },
      ],
      log,
      tasks: inFlight,
    }),
  );
  server.on('upgrade', (req, socket, head) => push.handleUpgrade(req, socket, head));
  // Deliveries left pending by the last run (DATA_DIR) go out again.
  await webhooks?.start();

  // Orders kept in DATA_DIR lost their timers with the last process: each gets its recorded check
  // back (one already due runs now), as EventBridge Scheduler would have kept it.
  if (repair) {
    log.info('due checks restored after a restart', {
      unsettled: repair.checks.length,
      restored: repair.restored,
      removed: repair.removed,
      failed: repair.failed,
    });
    for (const check of repair.checks) await scheduler.schedule(check);
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweepTimer);
      server.closeIdleConnections();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Handlers still running finish their writes (their clients are gone) before the store closes.
      // The pages' sockets too: the server only closes once every connection has ended.
      await Promise.all([stopped, push.close(), inFlight.close(), scheduler.close(), emulator.close()]);
      // What the last writes changed is handed over, then the webhook's waiting retries stop.
      await feed.close();
      await webhooks?.close();
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
    repair,
    events: {
      feed,
      push,
      realtimeUrl,
      webhooks,
      webhookUrl: webhook.url,
      idle: async () => {
        await feed.idle();
        await webhooks?.idle();
      },
    },
    sweep,
    checkStatus: runCheck,
    close,
  };
};

/** This server from inside, whatever PUBLIC_BASE_URL says (a wildcard address is reached on loopback). */
const loopbackUrl = (server: Server): string => {
  const { address, family, port } = server.address() as AddressInfo;
  const reachable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `http://${family === 'IPv6' ? `[${reachable}]` : reachable}:${port}`;
};

const context = (functionName: string): Context => lambdaContext(randomUUID(), functionName);

/** middy handlers take (event, context); this narrows them to what the HTTP server calls. */
const asHttp =
  (handler: (event: never, context: Context) => Promise<unknown>): HttpHandler =>
  (event: APIGatewayProxyEventV2, ctx: Context) =>
    handler(event as never, ctx) as ReturnType<HttpHandler>;
