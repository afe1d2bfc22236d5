import { readdirSync } from 'node:fs';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { pageHashes } from '../functions/page-hashes';
import { PAGE_HASHES_FILE, readWebFiles } from '../functions/pages';
import { OPENAPI_PATH } from '../functions/routes';
import { AppFunction, entryOf, type FunctionName, type LazyModule } from './constructs/app-function';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring';
import { OrderEvents } from './constructs/order-events';
import { OrdersTable, type TableAccess } from './constructs/orders-table';
import { PaymentApi } from './constructs/payment-api';
import { Reconciliation } from './constructs/reconciliation';
import { StatusChecks } from './constructs/status-checks';
import { zalopaySecret } from './constructs/zalopay-secret';
import { SettingsError, type StackSettings } from './settings';

/** What one function is and needs; everything else is the same for all (AppFunction). */
interface FunctionSpec {
  description: string;
  /** Seconds: the work plus ZaloPay's 10 s timeout where it calls ZaloPay. */
  timeout: number;
  table: TableAccess[];
  /** Reads the ZaloPay keys or the merchant API key. */
  secret: boolean;
  /** Schedules status checks. */
  schedules: boolean;
  /**
   * MB, the default of the `functionMemory` context. Lambda gives CPU in proportion to memory, so
   * this is sized for speed as much as for room: each function holds 50–60 MB once loaded
   * (`npm run bench -- bundles`, README "Benchmarks"). 128 where the work is a template
   * (pages); 256 where it is one or two reads and waiting; 512 on the money path and for QR
   * encoding, whose cold start and CPU the buyer waits on.
   */
  memory: number;
  /** A module bundled beside the function's own and loaded on the requests that need it. */
  lazyModule?: LazyModule;
  /** Files it reads at run time, copied beside its bundle (paths from the project root). */
  assetFiles?: readonly string[];
  /** Files made at synth and written beside its bundle (path in the asset → text). */
  assetData?: Readonly<Record<string, string>>;
}

/** The demo pages' HTML (web/: the pages and their partials), which the pages function reads at start. */
const WEB_PAGES = ['web/checkout.html', 'web/result.html'].concat(
  readdirSync(new URL('../web/partials/', import.meta.url))
    .filter((file) => file.endsWith('.html'))
    .map((file) => `web/partials/${file}`),
);

/**
 * The CSP hashes of the demo pages' inline scripts and styles, made now from the same web/ files
 * that are copied beside the function, so that its cold start does not hash them (nor load node:crypto).
 */
const PAGE_HASHES = JSON.stringify(pageHashes(readWebFiles(new URL('../web/', import.meta.url))));

/** The functions and the least each one needs (functions/aws/<name>.ts say what they use). */
export const FUNCTION_SPECS: Record<FunctionName, FunctionSpec> = {
  'create-order': {
    description: 'POST /orders: creates the order at ZaloPay',
    timeout: 20,
    table: ['write-orders', 'idempotency'],
    secret: true,
    schedules: true,
    memory: 512,
  },
  'get-order': {
    description: 'GET /orders/{appTransId}, with long-poll',
    // A 20 s long-poll inside API Gateway's 30 s.
    timeout: 25,
    table: ['read-orders'],
    // The merchant key, read only for an id we never issued (an orphan payment's).
    secret: true,
    schedules: false,
    memory: 256,
  },
  qr: {
    description: 'GET /orders/{appTransId}/qr',
    timeout: 10,
    table: ['read-orders'],
    secret: false,
    schedules: false,
    memory: 512,
  },
  'sync-order': {
    description: 'POST /orders/{appTransId}/sync (merchant): queries ZaloPay now',
    timeout: 20,
    table: ['write-orders'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  'order-history': {
    description: 'GET /orders/{appTransId}/history (merchant)',
    timeout: 10,
    table: ['read-orders', 'read-history'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  'create-refund': {
    description: 'POST /orders/{appTransId}/refunds (merchant): refunds through ZaloPay',
    timeout: 20,
    table: ['write-orders', 'idempotency'],
    secret: true,
    // The follow-up of a refund ZaloPay is still processing.
    schedules: true,
    // The money path, as create-order.
    memory: 512,
  },
  'read-refunds': {
    description: 'GET /orders/{appTransId}/refunds[/{mRefundId}] (merchant): the refund ledger',
    timeout: 10,
    table: ['read-orders'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  'cancel-order': {
    description: 'POST /orders/{appTransId}/cancel (merchant): closes an unpaid order',
    timeout: 10,
    table: ['write-orders'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  'list-reviews': {
    description: 'GET /reviews (merchant): the orders waiting for a person',
    timeout: 10,
    table: ['reviews'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  redirect: {
    description: 'GET /zalopay/redirect: the buyer back from ZaloPay',
    timeout: 20,
    table: ['write-orders'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  pages: {
    description: 'GET /openapi.json, and with the demo pages GET / and /result',
    timeout: 5,
    table: [],
    secret: false,
    schedules: false,
    memory: 128,
    // The API document's generator (every route's schemas), loaded at the first GET /openapi.json only.
    lazyModule: { entry: entryOf('pages-openapi'), file: 'openapi.mjs', constant: 'PAGES_OPENAPI_MODULE' },
    assetFiles: WEB_PAGES,
    assetData: { [PAGE_HASHES_FILE]: PAGE_HASHES },
  },
  callback: {
    description: "ZaloPay's callback (Function URL), verified by MAC",
    timeout: 15,
    table: ['write-orders'],
    secret: true,
    schedules: false,
    memory: 512,
  },
  'status-check': {
    description: 'Scheduled status query of one order',
    timeout: 30,
    table: ['write-orders'],
    secret: true,
    schedules: true,
    memory: 512,
  },
  sweeper: {
    description: 'Every 5 minutes: checks the orders whose check is overdue',
    // Pages through every overdue check, 8 at a time, until 15 s are left (docs/scheduling.md §4);
    // shorter than its 5-minute period, so runs never overlap.
    timeout: 280,
    table: ['write-orders', 'due-checks'],
    secret: true,
    schedules: true,
    memory: 512,
  },
  'order-events': {
    description: "The orders table's stream: order events to the pages, the webhook queue and the bus",
    // A batch of 10 records, each handed to up to three consumers in turn.
    timeout: 60,
    table: [],
    secret: false,
    schedules: false,
    // Network-bound (three HTTPS calls per change), but a buyer's page waits on it: not the smallest.
    memory: 256,
  },
  'webhook-delivery': {
    description: "The webhook queue: signed POSTs to the merchant's webhookUrl",
    // Up to 10 POSTs at once, each bounded by the 10 s webhook timeout.
    timeout: 30,
    table: [],
    // The webhookSecret.
    secret: true,
    schedules: false,
    // Signs and POSTs; nobody waits on it but the merchant's backend.
    memory: 256,
  },
  'dead-letters': {
    description:
      "GET /webhooks/dead-letters, POST /webhooks/dead-letters/replay (merchant): the webhook's dead letters",
    // Reads through the dead-letter queue inside API Gateway's 30 s.
    timeout: 28,
    table: [],
    // The merchant key.
    secret: true,
    schedules: false,
    memory: 256,
  },
  reconciliations: {
    description: 'POST /reconciliations (merchant): reconciles the next orders of a day with ZaloPay',
    // Inside API Gateway's 30 s; the run stops starting orders in time (functions/reconcile.ts).
    timeout: 29,
    // Reads the day's orders; a payment it learns of is recorded, as a sync would (docs/reconciliation.md §1).
    table: ['write-orders', 'orders-by-day'],
    secret: true,
    schedules: false,
    memory: 256,
  },
  reconcile: {
    description: 'Daily 02:00 Vietnam time: reconciles the day before with ZaloPay, report to S3',
    // A day of ~8,000 orders at 10 queries a second; it stops in time to write what it did.
    timeout: 900,
    table: ['write-orders', 'orders-by-day'],
    secret: true,
    schedules: false,
    memory: 512,
  },
  'events-key-renewer': {
    description: "Daily: moves the buyer push API key's expiry forward",
    timeout: 10,
    table: [],
    secret: false,
    schedules: false,
    // One API call a day.
    memory: 128,
  },
};

/**
 * The reserved concurrency of a function (docs/configuration.md §3). Callback and status-check
 * get a share of the account's concurrency no flood of long-polls can take; get-order's is a cap,
 * so waiting buyers cannot take everything else (the page backs off on 429); the sweeper's is 1,
 * so it never runs twice at once. The rest share what is left.
 */
const reservedConcurrency = (name: FunctionName, { concurrency }: StackSettings): number | undefined => {
  switch (name) {
    case 'callback':
      return concurrency.callback;
    case 'status-check':
      return concurrency.statusCheck;
    case 'get-order':
      return concurrency.getOrder;
    case 'sweeper':
      return concurrency.reserve ? 1 : undefined;
    default:
      return undefined;
  }
};

const constructId = (name: FunctionName) =>
  name.replace(/(^|-)([a-z])/g, (_, _dash, c: string) => c.toUpperCase());

/** Props of {@link ZaloPayQrStack}. */
export interface ZaloPayQrStackProps extends StackProps {
  settings: StackSettings;
}

/**
 * The whole backend of docs/architecture.md: the HTTP API, the callback's Function URL, the table, the status
 * checks (schedules, sweeper, dead letters), order events (docs/events.md), the secret, and alarms
 * with a dashboard.
 */
export class ZaloPayQrStack extends Stack {
  readonly functions: Partial<Record<FunctionName, AppFunction>> = {};
  readonly api: PaymentApi;
  readonly events: OrderEvents;

  constructor(scope: Construct, id: string, props: ZaloPayQrStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const logRetention =
      settings.zalopayEnv === 'production' ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH;

    const table = new OrdersTable(this, 'Orders');
    const secret = zalopaySecret(this, 'ZaloPaySecret', settings.zalopaySecretArn);
    const statusChecks = new StatusChecks(this, 'StatusChecks');
    this.api = new PaymentApi(this, 'Api', {
      allowedOrigins: settings.allowedOrigins,
      throttle: settings.throttle,
      logRetention,
    });
    const environment = {
      ...settings.appEnv,
      PUBLIC_BASE_URL: this.api.url,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };

    const names = (Object.keys(FUNCTION_SPECS) as FunctionName[]).filter(
      (name) => (name !== 'webhook-delivery' && name !== 'dead-letters') || settings.webhookUrl,
    );
    const unknown = Object.keys(settings.functionMemory).filter((name) => !(name in FUNCTION_SPECS));
    if (unknown.length > 0) {
      throw new SettingsError(
        `functionMemory: no function named ${unknown.join(', ')} (functions: ${Object.keys(FUNCTION_SPECS).join(', ')})`,
      );
    }
    for (const name of names) {
      const spec = FUNCTION_SPECS[name];
      const fn = new AppFunction(this, constructId(name), {
        entry: entryOf(name),
        description: spec.description,
        timeout: Duration.seconds(spec.timeout),
        memorySize: settings.functionMemory[name] ?? spec.memory,
        reservedConcurrentExecutions: reservedConcurrency(name, settings),
        logRetention,
        environment,
        openTelemetryLayerArn: settings.openTelemetryLayerArn,
        lazyModule: spec.lazyModule,
        assetFiles: spec.assetFiles,
        assetData: spec.assetData,
      });
      if (spec.table.length > 0) fn.bindTable(table, ...spec.table);
      if (spec.secret) fn.bindSecret(secret);
      this.functions[name] = fn;
    }
    const fn = (name: FunctionName): AppFunction => {
      const found = this.functions[name];
      if (!found) throw new Error(`no ${name} function`);
      return found;
    };

    const statusCheck = fn('status-check');
    statusChecks.deliverTo(statusCheck);
    for (const name of names.filter((n) => FUNCTION_SPECS[n].schedules)) {
      fn(name).bindStatusChecks(statusChecks, name === 'status-check' ? 'self' : statusCheck);
    }
    statusChecks.sweepWith(fn('sweeper'));

    // ZaloPay authenticates by MAC, not by IAM: the URL is public, the body is verified.
    const callbackUrl = fn('callback').addFunctionUrl({ authType: FunctionUrlAuthType.NONE }).url;
    fn('create-order').addEnvironment('ZALOPAY_CALLBACK_URL', callbackUrl);
    // The API document it serves names the callback's own URL.
    fn('pages').addEnvironment('ZALOPAY_CALLBACK_URL', callbackUrl);
    this.api.route(this.functions, { demoPages: settings.demoPages, webhook: !!settings.webhookUrl });

    // Order events (docs/events.md): the stream feeds order-events, which publishes to the pages'
    // channels, enqueues the webhook and puts each event on the bus.
    const events = new OrderEvents(this, 'Events', { eventBusArn: settings.eventBusArn });
    events.feedFrom(table.table, fn('order-events'));
    if (this.functions.pages) events.subscribeFrom(this.functions.pages);
    if (settings.webhookUrl) {
      events.deliverWebhooksWith(fn('order-events'), fn('webhook-delivery'), settings.webhookUrl);
      events.replayDeadLettersWith(fn('dead-letters'));
    }
    events.renewKeyWith(fn('events-key-renewer'));
    this.events = events;

    const monitoring = new Monitoring(this, 'Monitoring', {
      serviceName: this.stackName,
      functions: this.functions as Record<string, AppFunction>,
      api: this.api,
      scheduleGroup: statusChecks.group,
      deadLetterQueues: {
        DeliveryDeadLetters: statusChecks.deliveryDeadLetters,
        CheckFailures: statusChecks.checkFailures,
        EventStreamFailures: events.streamFailures,
        ...(events.webhookDeadLetters && { WebhookDeadLetters: events.webhookDeadLetters }),
      },
      watchKeyRenewal: true,
      alarmEmail: settings.alarmEmail,
    });

    // The daily reconciliation (docs/reconciliation.md §6): its schedule, reports bucket and alarms.
    const reconciliation = new Reconciliation(this, 'Reconciliation', {
      fn: fn('reconcile'),
      scheduleGroup: statusChecks.group,
      deadLetterQueue: statusChecks.deliveryDeadLetters,
      alarmTopic: monitoring.topic,
      serviceName: this.stackName,
    });
    new CfnOutput(this, 'ReportsBucket', {
      description: 'The daily reconciliation reports: reports/<yyyy-mm-dd>.json and .csv',
      value: reconciliation.bucket.bucketName,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'The HTTP API (and, with demo pages, the checkout page at /)',
      value: this.api.url,
    });
    new CfnOutput(this, 'ApiDocumentUrl', {
      description:
        'The OpenAPI 3.1 document of this deployment: generate a client from it, or open it in a viewer',
      value: `${this.api.url}${OPENAPI_PATH}`,
    });
    new CfnOutput(this, 'CallbackUrl', {
      description: "ZaloPay's callback_url, sent with every order (no portal setting needed)",
      value: callbackUrl,
    });
    new CfnOutput(this, 'SecretName', {
      description: 'Put appId, key1 and key2 here; merchantApiKey is the x-api-key of the merchant routes',
      value: secret.secretName,
    });
    new CfnOutput(this, 'EventBusArn', {
      description: 'Order events (source zalopay-qr, detail-type order.paid, …): route them with rules',
      value: events.bus.eventBusArn,
    });
    new CfnOutput(this, 'EventsRealtimeUrl', {
      description: "The buyer push (AppSync Events): channels /orders/<appTransId with '-' for '_'>",
      value: `wss://${events.api.realtimeDns}/event/realtime`,
    });
    if (events.webhookDeadLetters) {
      new CfnOutput(this, 'WebhookDeadLettersArn', {
        description: 'Webhook deliveries that failed for 24 h: replay with aws sqs start-message-move-task',
        value: events.webhookDeadLetters.queueArn,
      });
    }
    new CfnOutput(this, 'DashboardUrl', {
      description: 'Orders, callbacks, status checks, ZaloPay and the functions',
      value: monitoring.dashboardUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to be told about alarms (or deploy with -c alarmEmail=…)',
      value: monitoring.topic.topicArn,
    });
  }
}
