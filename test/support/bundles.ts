import { join } from 'node:path';
import type { App, CfnResource } from 'aws-cdk-lib';
import { buildApp, projectContext } from '../../infra/app';
import {
  type AppFunction,
  type FunctionName,
  RUNTIME_NODE_OPTIONS,
} from '../../infra/constructs/app-function';
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

/** What Lambda gives every function of the stack: the variables our functions read, placeholders for ARNs. */
export const lambdaEnvironment = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'ap-southeast-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  NODE_OPTIONS: RUNTIME_NODE_OPTIONS,
  PUBLIC_BASE_URL: 'https://api.example.com',
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
  [AWS_ENV.webhookUrl]: 'https://shop.example/hooks',
  [AWS_ENV.webhookQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks',
  [AWS_ENV.webhookDeadLetterQueueUrl]: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/webhooks-dlq',
  [AWS_ENV.reportsBucket]: 'zalopay-qr-reports',
});
