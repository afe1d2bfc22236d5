import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { OPENAPI_PATH } from '../functions/routes';
import { AppFunction, entryOf, type FunctionName } from './constructs/app-function';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring';
import { OrdersTable, type TableAccess } from './constructs/orders-table';
import { PaymentApi } from './constructs/payment-api';
import { StatusChecks } from './constructs/status-checks';
import { zalopaySecret } from './constructs/zalopay-secret';
import type { StackSettings } from './settings';

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
}

/** The functions and the least each one needs (functions/aws/<name>.ts say what they use). */
export const FUNCTION_SPECS: Record<FunctionName, FunctionSpec> = {
  'create-order': {
    description: 'POST /orders: creates the order at ZaloPay',
    timeout: 20,
    table: ['write-orders', 'idempotency'],
    secret: true,
    schedules: true,
  },
  'get-order': {
    description: 'GET /orders/{appTransId}, with long-poll',
    // A 20 s long-poll inside API Gateway's 30 s.
    timeout: 25,
    table: ['read-orders'],
    // The merchant key, read only for an id we never issued (an orphan payment's).
    secret: true,
    schedules: false,
  },
  qr: {
    description: 'GET /orders/{appTransId}/qr',
    timeout: 10,
    table: ['read-orders'],
    secret: false,
    schedules: false,
  },
  'sync-order': {
    description: 'POST /orders/{appTransId}/sync (merchant): queries ZaloPay now',
    timeout: 20,
    table: ['write-orders'],
    secret: true,
    schedules: false,
  },
  'order-history': {
    description: 'GET /orders/{appTransId}/history (merchant)',
    timeout: 10,
    table: ['read-orders', 'read-history'],
    secret: true,
    schedules: false,
  },
  'create-refund': {
    description: 'POST /orders/{appTransId}/refunds (merchant): refunds through ZaloPay',
    timeout: 20,
    table: ['write-orders', 'idempotency'],
    secret: true,
    // The follow-up of a refund ZaloPay is still processing.
    schedules: true,
  },
  'read-refunds': {
    description: 'GET /orders/{appTransId}/refunds[/{mRefundId}] (merchant): the refund ledger',
    timeout: 10,
    table: ['read-orders'],
    secret: true,
    schedules: false,
  },
  'cancel-order': {
    description: 'POST /orders/{appTransId}/cancel (merchant): closes an unpaid order',
    timeout: 10,
    table: ['write-orders'],
    secret: true,
    schedules: false,
  },
  'list-reviews': {
    description: 'GET /reviews (merchant): the orders waiting for a person',
    timeout: 10,
    table: ['reviews'],
    secret: true,
    schedules: false,
  },
  redirect: {
    description: 'GET /zalopay/redirect: the buyer back from ZaloPay',
    timeout: 20,
    table: ['write-orders'],
    secret: true,
    schedules: false,
  },
  pages: {
    description: 'GET /openapi.json, and with the demo pages GET / and /result',
    timeout: 5,
    table: [],
    secret: false,
    schedules: false,
  },
  callback: {
    description: "ZaloPay's callback (Function URL), verified by MAC",
    timeout: 15,
    table: ['write-orders'],
    secret: true,
    schedules: false,
  },
  'status-check': {
    description: 'Scheduled status query of one order',
    timeout: 30,
    table: ['write-orders'],
    secret: true,
    schedules: true,
  },
  sweeper: {
    description: 'Every 5 minutes: checks the orders whose check is overdue',
    // Up to 100 checks, 4 at a time, each bounded by ZaloPay's 10 s timeout.
    timeout: 280,
    table: ['write-orders', 'due-checks'],
    secret: true,
    schedules: true,
  },
};

const constructId = (name: FunctionName) =>
  name.replace(/(^|-)([a-z])/g, (_, _dash, c: string) => c.toUpperCase());

/** Props of {@link ZaloPayQrStack}. */
export interface ZaloPayQrStackProps extends StackProps {
  settings: StackSettings;
}

/**
 * The whole backend of docs/architecture.md: the HTTP API, the callback's Function URL, the table, the status
 * checks (schedules, sweeper, dead letters), the secret, and alarms with a dashboard.
 */
export class ZaloPayQrStack extends Stack {
  readonly functions: Partial<Record<FunctionName, AppFunction>> = {};
  readonly api: PaymentApi;

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

    const names = Object.keys(FUNCTION_SPECS) as FunctionName[];
    for (const name of names) {
      const spec = FUNCTION_SPECS[name];
      const fn = new AppFunction(this, constructId(name), {
        entry: entryOf(name),
        description: spec.description,
        timeout: Duration.seconds(spec.timeout),
        logRetention,
        environment,
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
    this.api.route(this.functions, settings.demoPages);

    const monitoring = new Monitoring(this, 'Monitoring', {
      serviceName: this.stackName,
      functions: this.functions as Record<string, AppFunction>,
      api: this.api,
      deadLetterQueues: {
        DeliveryDeadLetters: statusChecks.deliveryDeadLetters,
        CheckFailures: statusChecks.checkFailures,
      },
      alarmEmail: settings.alarmEmail,
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
