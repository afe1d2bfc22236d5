import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES, type HttpFunction } from '../../functions/routes';

/** Props of {@link PaymentApi}. */
export interface PaymentApiProps {
  /** Origins allowed by CORS; empty: no CORS at all. */
  allowedOrigins: readonly string[];
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

/**
 * One access-log line per request: ids, route, status and timings. No query string (the redirect's
 * carries ZaloPay's checksum), no headers (the merchant key), no body.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    route: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    responseLength: '$context.responseLength',
  }),
);

/**
 * The HTTP API of docs/http-api.md on its `$default` stage: throttled, access-logged, CORS limited to
 * the configured origins. The callback is not here: it has its own Function URL.
 */
export class PaymentApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** `https://<id>.execute-api.<region>.amazonaws.com`, without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PaymentApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'ZaloPay QR payments',
      createDefaultStage: false,
      ...(props.allowedOrigins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...props.allowedOrigins],
          allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
          // The merchant key is for servers, never browsers: x-api-key is not allowed across origins.
          allowHeaders: ['content-type', 'idempotency-key'],
          maxAge: Duration.hours(1),
        },
      }),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    this.url = this.api.apiEndpoint;
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Public by design (docs/http-api.md): buyers create and read orders without an account, ZaloPay ' +
        'redirects browsers here; merchant routes check x-api-key in the function (one middleware), ' +
        'and CREATE_ORDER_AUTH=api-key extends that to POST /orders.',
    });
  }

  /**
   * Adds the routes of `functions/routes.ts`, each to the function of that name; the demo pages'
   * routes only when `demoPages` is on, the webhook's only with a webhook.
   */
  route(
    functions: Partial<Record<HttpFunction, IFunction>>,
    { demoPages, webhook }: { demoPages: boolean; webhook: boolean },
  ): void {
    const integrations = new Map<HttpFunction, HttpLambdaIntegration>();
    for (const route of API_ROUTES) {
      if ((route.demo && !demoPages) || (route.webhook && !webhook)) continue;
      const fn = functions[route.function];
      if (!fn) throw new Error(`no function for ${route.method} ${route.path}`);
      const integration = integrations.get(route.function) ?? new HttpLambdaIntegration(route.function, fn);
      integrations.set(route.function, integration);
      this.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }
  }
}
