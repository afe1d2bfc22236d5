import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { HttpFunction } from '../../functions/routes';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import type { OrdersTable, TableAccess } from './orders-table';
import type { StatusChecks } from './status-checks';

/** Every Lambda function of the stack: the HTTP ones of `functions/routes.ts` and the others. */
export type FunctionName =
  | HttpFunction
  | 'callback'
  | 'status-check'
  | 'sweeper'
  | 'order-events'
  | 'webhook-delivery'
  | 'events-key-renewer'
  | 'reconcile';

/**
 * The Lambda entry module of a function: its composition root under functions/aws/; or a module
 * bundled beside one (`pages-openapi`, see {@link LazyModule}).
 */
export const entryOf = (name: FunctionName | 'pages-openapi'): string =>
  fileURLToPath(new URL(`../../functions/aws/${name}.ts`, import.meta.url));

/** The project root, where package-lock.json and tsconfig.json live. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The Lambda runtime of every function: Node.js 22, the project's target (docs/conventions.md §8). */
const RUNTIME = Runtime.NODEJS_22_X;

/**
 * A module of its own beside every bundle, which the bundle imports first: stack traces map to the
 * TypeScript sources through the source map, read at the first stack trace instead of at every cold
 * start as Node's `--enable-source-maps` reads it (functions/aws/lib/source-maps.ts). Imported by
 * the banner rather than injected, because esbuild's `inject` makes every module import it and so
 * keeps modules that tree-shaking would drop.
 */
export const SOURCE_MAPS = {
  entry: fileURLToPath(new URL('../../functions/aws/lib/install-source-maps.ts', import.meta.url)),
  file: 'source-maps.mjs',
} as const;

/** A `require` for the CommonJS dependencies that still call it, in an ES module. */
const REQUIRE =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled, by the local esbuild (never Docker). One ESM file per function
 * with the AWS SDK clients it imports bundled and tree-shaken (not the runtime's copy, whose
 * version drifts), `module` entry points first so packages resolve to their ESM builds; the banner
 * imports {@link SOURCE_MAPS} and gives a `require`. The benchmark bundles through this same
 * construct.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: `import './${SOURCE_MAPS.file}'; ${REQUIRE}`,
  externalModules: [],
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  logLevel: LogLevel.WARNING,
  forceDockerBundling: false,
};

/**
 * A module the function imports only on some requests, bundled as a file of its own beside
 * index.mjs so that the cold start neither loads nor compiles it. A one-file esbuild bundle would
 * inline even a dynamic `import()`; so `entry` is built with the same options as the function
 * (ESM, minified, source map, target, banner) into `file`, and index.mjs gets the constant
 * `constant` defined as `./<file>`, which the function imports by (functions/aws/pages.ts).
 */
export interface LazyModule {
  entry: string;
  file: string;
  constant: string;
}

/** The esbuild of the project, the one the construct bundles with. */
const ESBUILD = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * The shell command that bundles `entry` into `outfile` as {@link BUNDLING} bundles an entry, with
 * `banner` (the module of {@link SOURCE_MAPS} cannot import itself).
 */
export const esbuildCommand = (entry: string, outfile: string, banner = BUNDLING.banner): string =>
  [
    ESBUILD,
    entry,
    '--bundle',
    '--platform=node',
    `--target=${BUNDLING.target}`,
    `--format=${BUNDLING.format}`,
    `--main-fields=${BUNDLING.mainFields?.join(',')}`,
    `--banner:js=${banner}`,
    ...(BUNDLING.minify ? ['--minify'] : []),
    ...(BUNDLING.sourceMap ? ['--sourcemap'] : []),
    ...(BUNDLING.sourcesContent === false ? ['--sources-content=false'] : []),
    ...Object.entries(BUNDLING.loader ?? {}).map(([ext, loader]) => `--loader:${ext}=${loader}`),
    `--log-level=${BUNDLING.logLevel}`,
    `--outfile=${outfile}`,
  ]
    .map(shellQuote)
    .join(' ');

/** What lies beside a function's index.mjs in its asset, besides the source map. */
interface Beside {
  lazyModule: LazyModule | undefined;
  assetFiles: readonly string[] | undefined;
  assetData: Readonly<Record<string, string>> | undefined;
}

/**
 * {@link BUNDLING}, with what lies beside index.mjs: the {@link SOURCE_MAPS} module, and the lazy
 * module, the files copied and the data written when given.
 */
const bundlingWith = ({ lazyModule: lazy, assetFiles = [], assetData = {} }: Beside): BundlingOptions => ({
  ...BUNDLING,
  ...(lazy && { define: { [lazy.constant]: JSON.stringify(`./${lazy.file}`) } }),
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      esbuildCommand(SOURCE_MAPS.entry, join(outputDir, SOURCE_MAPS.file), ''),
      ...(lazy ? [esbuildCommand(lazy.entry, join(outputDir, lazy.file))] : []),
      ...assetFiles.map((file) => {
        const to = join(outputDir, file);
        return `mkdir -p ${shellQuote(dirname(to))} && cp ${shellQuote(join(PROJECT_ROOT, file))} ${shellQuote(to)}`;
      }),
      ...Object.entries(assetData).map(([file, text]) => {
        const to = join(outputDir, file);
        return `mkdir -p ${shellQuote(dirname(to))} && printf '%s' ${shellQuote(text)} > ${shellQuote(to)}`;
      }),
    ],
  },
});

/** Props of {@link AppFunction}: what differs between functions. */
export interface AppFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role' | 'tracing' | 'projectRoot'
  > {
  /** The entry module (a functions/aws/ composition root). */
  entry: string;
  logRetention: RetentionDays;
  /**
   * AWS Distro for OpenTelemetry's Lambda layer for Node.js, when traces should show the AWS SDK
   * and ZaloPay calls as spans (docs/conventions.md §6). Off when undefined: Lambda's active
   * tracing alone, no SDK in the bundle.
   */
  openTelemetryLayerArn?: string | undefined;
  /** A module bundled beside index.mjs and loaded only when the function imports it. */
  lazyModule?: LazyModule | undefined;
  /**
   * Files the function reads at run time (paths from the project root), copied to the same paths
   * in its asset: data kept out of the bundle's text, which Node reads through when it has a
   * source map (the pages' HTML, functions/aws/pages.ts).
   */
  assetFiles?: readonly string[] | undefined;
  /**
   * Files made at synth (path in the asset → text), written beside the bundle: what the function
   * would otherwise compute at every cold start (the pages' CSP hashes, functions/page-hashes.ts).
   */
  assetData?: Readonly<Record<string, string>> | undefined;
}

/**
 * The start-up script of AWS's OpenTelemetry layers for Node.js (the `AWSOpenTelemetryDistroJs`
 * family); Lambda starts the runtime through it, and it instruments the process.
 */
export const OPEN_TELEMETRY_WRAPPER = '/opt/otel-instrument';

/**
 * A function of this app (docs/conventions.md §8): Node.js 22 on arm64, the shared ESM bundling with source
 * maps, X-Ray tracing, its own log group with retention, and its own role that starts with no
 * permission but writing to that log group; the `bind*` helpers grant and configure together
 * (docs/conventions.md §8).
 * No physical name is fixed, so several stacks (stages) coexist in one account.
 */
export class AppFunction extends NodejsFunction {
  constructor(
    scope: Construct,
    id: string,
    {
      entry,
      logRetention,
      environment,
      openTelemetryLayerArn,
      lazyModule,
      assetFiles,
      assetData,
      ...props
    }: AppFunctionProps,
  ) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      // The logs of a deleted stage are of no use; the orders themselves are retained.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(10),
      ...props,
      entry,
      projectRoot: PROJECT_ROOT,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      bundling: bundlingWith({ lazyModule, assetFiles, assetData }),
      environment: {
        POWERTOOLS_SERVICE_NAME: Stack.of(scope).stackName,
        ...(openTelemetryLayerArn && { AWS_LAMBDA_EXEC_WRAPPER: OPEN_TELEMETRY_WRAPPER }),
        ...environment,
      },
    });
    if (openTelemetryLayerArn) {
      this.addLayers(LayerVersion.fromLayerVersionArn(this, 'OpenTelemetry', openTelemetryLayerArn));
    }
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the target the code is built and tested for (esbuild target node22); moving to a ' +
        'newer runtime is a deliberate upgrade of RUNTIME and BUNDLING.target together.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions. No other statement of these roles has a wildcard resource (test/infra checks).',
    });
  }

  /** Grants `access` to the table and tells the function its name. */
  bindTable(orders: OrdersTable, ...access: TableAccess[]): void {
    orders.grant(this, ...access);
    this.addEnvironment(AWS_ENV.tableName, orders.table.tableName);
  }

  /** Lets the function read the secret (GetSecretValue only) and tells it where the secret is. */
  bindSecret(secret: ISecret): void {
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    this.addEnvironment(AWS_ENV.secretArn, secret.secretArn);
  }

  /**
   * Lets the function schedule status checks and tells it where they go. `target` is the
   * status-check function, or `self` for status-check itself, which cannot name its own ARN in
   * its environment (functions/aws/lib/scheduler.ts).
   */
  bindStatusChecks(checks: StatusChecks, target: AppFunction | 'self'): void {
    checks.grantScheduling(this);
    this.addEnvironment(AWS_ENV.scheduleGroup, checks.group.scheduleGroupName);
    this.addEnvironment(AWS_ENV.schedulerRoleArn, checks.schedulerRole.roleArn);
    this.addEnvironment(AWS_ENV.deadLetterArn, checks.deliveryDeadLetters.queueArn);
    if (target !== 'self') this.addEnvironment(AWS_ENV.statusCheckArn, target.functionArn);
  }
}
