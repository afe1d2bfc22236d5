import { join } from 'node:path';
import type { App, CfnResource } from 'aws-cdk-lib';
import { buildApp, projectContext } from '../../infra/app';
import type { AppFunction, FunctionName } from '../../infra/constructs/app-function';
import { METRICS_NAMESPACE } from '../../infra/constructs/monitoring';
import type { ZaloPayQrStack } from '../../infra/stack';
import { AWS_ENV } from '../../shared/adapters/aws/settings';

/** Where the construct put a function's bundle: it bundles (local esbuild) when it is created. */
export const bundleOf = (outdir: string, fn: AppFunction): string =>
  join(outdir, (fn.node.defaultChild as CfnResource).getMetadata('aws:asset:path') as string, 'index.mjs');

/**
 * The stack built into `outdir` with bundling on, exactly as `npm run synth` bundles it (with
 * `context` on top of cdk.json's), and the bundle of each of its functions.
 */
export const bundleStack = (
  outdir: string,
  context: Record<string, unknown> = {},
): { app: App; stack: ZaloPayQrStack; bundles: Map<FunctionName, string> } => {
  const { app, stack } = buildApp({
    outdir,
    context: { ...projectContext(), ...context, 'aws:cdk:enable-asset-metadata': true },
  });
  const bundles = new Map(
    Object.entries(stack.functions).map(
      ([name, fn]) => [name as FunctionName, bundleOf(outdir, fn)] as const,
    ),
  );
  return { app, stack, bundles };
};

/** An AWS SDK client a bundle may hold. */
export type SdkClient =
  | 'dynamodb'
  | 'secrets-manager'
  | 'scheduler'
  | 'eventbridge'
  | 'sqs'
  | 'appsync'
  | 's3';

/**
 * The AWS SDK clients each function's bundle holds, and no other (test/infra/bundles.test.ts reads
 * every bundle for them). The bundles bench measures each function against a bundle of only these.
 */
export const SDK_CLIENTS: Record<FunctionName, readonly SdkClient[]> = {
  callback: ['dynamodb', 'secrets-manager'],
  'cancel-order': ['dynamodb', 'secrets-manager'],
  'create-order': ['dynamodb', 'secrets-manager', 'scheduler'],
  'create-refund': ['dynamodb', 'secrets-manager', 'scheduler'],
  'dead-letters': ['secrets-manager', 'sqs'],
  'get-order': ['dynamodb', 'secrets-manager'],
  'list-reviews': ['dynamodb', 'secrets-manager'],
  'order-history': ['dynamodb', 'secrets-manager'],
  pages: [],
  qr: ['dynamodb'],
  'read-refunds': ['dynamodb', 'secrets-manager'],
  // The daily run writes its report to S3; the route answers it.
  reconcile: ['dynamodb', 'secrets-manager', 's3'],
  reconciliations: ['dynamodb', 'secrets-manager'],
  redirect: ['dynamodb', 'secrets-manager'],
  'status-check': ['dynamodb', 'secrets-manager', 'scheduler'],
  sweeper: ['dynamodb', 'secrets-manager', 'scheduler'],
  'sync-order': ['dynamodb', 'secrets-manager'],
  // AppSync Events' publish is a signed fetch, no SDK client; the stream records come in the event.
  'order-events': ['eventbridge', 'sqs'],
  'webhook-delivery': ['secrets-manager', 'sqs'],
  'events-key-renewer': ['appsync'],
};

/**
 * What Lambda gives the functions of the stack: every variable the template gives any of them (with
 * or without the `webhookUrl` context: test/infra/stack.test.ts checks it), placeholders for
 * ARNs, URLs and ids.
 */
export const lambdaEnvironment = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'ap-southeast-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'zalopay-qr-sandbox',
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  LOG_LEVEL: 'info',
  PUBLIC_BASE_URL: 'https://api.example.com',
  ZALOPAY_CALLBACK_URL: 'https://abcdefghij.lambda-url.ap-southeast-1.on.aws/',
  // The stack sets it for every function (infra/settings.ts); loadConfig has no default for it.
  ZALOPAY_API_BASE: 'https://sb-openapi.zalopay.vn',
  [AWS_ENV.tableName]: 'orders',
  [AWS_ENV.secretArn]: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:zalopay-AbCdEf',
  [AWS_ENV.scheduleGroup]: 'checks',
  [AWS_ENV.schedulerRoleArn]: 'arn:aws:iam::123456789012:role/scheduler',
  [AWS_ENV.deadLetterArn]: 'arn:aws:sqs:ap-southeast-1:123456789012:dead-letters',
  [AWS_ENV.statusCheckArn]: 'arn:aws:lambda:ap-southeast-1:123456789012:function:status-check',
  // The order-events functions (webhook-delivery's only when the `webhookUrl` context is set).
  [AWS_ENV.eventsApiId]: 'a1b2c3d4e5',
  [AWS_ENV.eventsApiKeyId]: 'da2-a1b2c3d4e5',
  [AWS_ENV.eventsEndpoint]: 'https://a1b2c3d4e5.appsync-api.ap-southeast-1.amazonaws.com/event',
  [AWS_ENV.eventsHost]: 'a1b2c3d4e5.appsync-api.ap-southeast-1.amazonaws.com',
  [AWS_ENV.eventsRealtimeUrl]:
    'wss://a1b2c3d4e5.appsync-realtime-api.ap-southeast-1.amazonaws.com/event/realtime',
  [AWS_ENV.eventsApiKey]: 'da2-placeholderkeyforthebuyerpages',
  [AWS_ENV.eventBus]: 'arn:aws:events:ap-southeast-1:123456789012:event-bus/zalopay-qr',
  [AWS_ENV.webhookUrl]: 'https://shop.example/hooks',
  [AWS_ENV.webhookQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks',
  [AWS_ENV.webhookDeadLetterQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks-dlq',
  [AWS_ENV.reportsBucket]: 'zalopay-qr-reports',
});
