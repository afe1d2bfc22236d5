import { readFileSync } from 'node:fs';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from './settings';
import { ZaloPayQrStack } from './stack';

/**
 * The context of cdk.json (feature flags included), which the CDK CLI hands the app. Tests and
 * benchmarks build the app without the CLI, so they pass it themselves.
 */
export const projectContext = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')).context;

/**
 * The CDK app: one stack, configured by context (infra/settings.ts), checked by cdk-nag's
 * AwsSolutions pack during synthesis, which an unacknowledged finding stops.
 */
export const buildApp = (props: AppProps = {}): { app: App; stack: ZaloPayQrStack } => {
  const app = new App(props);
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new ZaloPayQrStack(app, settings.stackName, {
    settings,
    description: `ZaloPay QR payments (${settings.zalopayEnv})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
};
