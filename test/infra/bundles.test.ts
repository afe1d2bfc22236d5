import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { makeHandler as makePagesHandler } from '../../functions/pages';
import type { FunctionName } from '../../infra/constructs/app-function';
import { readWebPages } from '../../local/web-pages';
import { AWS_ENV, pushSettings } from '../../shared/adapters/aws/settings';
import { bundleStack, lambdaEnvironment, SDK_CLIENTS } from '../support/bundles';
import { useLocalDynamo } from '../support/dynamo';
import { SANDBOX } from '../support/sandbox';

/**
 * The bundles the stack deploys, built as `npm run synth` builds them (the local esbuild, no
 * Docker), then loaded and invoked in a fresh Node process the way Lambda loads `index.handler`.
 */
let outdir: string;
let bundles: Map<FunctionName, string>;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'bundles-test-'));
  // With a webhook, so that webhook-delivery is bundled too.
  ({ bundles } = bundleStack(outdir, { webhookUrl: 'https://shop.example/hooks' }));
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const dynamo = useLocalDynamo();

/**
 * The time limit of a test that starts Node processes and loads bundles in them: a few seconds on
 * an idle machine, several times that on a loaded one. Not a performance limit.
 */
const IN_BUNDLE_TIMEOUT_MS = 60_000;

const lambdaEnv = (): Record<string, string> => ({
  ...lambdaEnvironment(),
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_LAMBDA_FUNCTION_NAME: 'test',
  AWS_ENDPOINT_URL_DYNAMODB: dynamo().endpoint,
  LOG_LEVEL: 'silent',
  [AWS_ENV.tableName]: dynamo().tableName,
});

/**
 * Runs `script` with the bundle's `handler` in a fresh Node process and returns what it printed.
 * Asynchronously: dynalite answers from this process meanwhile.
 */
const inBundle = async (name: FunctionName, script: string): Promise<unknown> => {
  const main = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles.get(name)!).href)}); ${script}`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', main], {
      env: lambdaEnv(),
    });
    return JSON.parse(stdout);
  } catch (error) {
    // The tail only: a minified bundle would fill the screen.
    throw new Error(`${name} failed: ${String((error as { stderr?: string }).stderr).slice(-2000)}`);
  }
};

/** What `typeof handler` is once Lambda has loaded the bundle. */
const load = async (name: FunctionName) =>
  (await inBundle(name, 'process.stdout.write(JSON.stringify(typeof handler));')) as string;

/** The handler's answer to `event`. */
const invoke = async (name: FunctionName, event: unknown) =>
  (await inBundle(
    name,
    `const context = { functionName: 'test', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:test', getRemainingTimeInMillis: () => 10000 };
     process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`,
  )) as APIGatewayProxyStructuredResultV2 & { body: string };

const httpEvent = (rawPath: string, pathParameters?: Record<string, string>) => ({
  version: '2.0',
  routeKey: `GET ${rawPath}`,
  rawPath,
  rawQueryString: '',
  headers: {},
  ...(pathParameters && { pathParameters }),
  requestContext: { http: { method: 'GET', path: rawPath }, requestId: 'r-1' },
  isBase64Encoded: false,
});

describe('the Lambda bundles', () => {
  it(
    'every function loads as an ESM bundle and exports its handler',
    async () => {
      expect([...bundles.keys()].sort()).toEqual([
        'callback',
        'cancel-order',
        'create-order',
        'create-refund',
        'dead-letters',
        'events-key-renewer',
        'get-order',
        'list-reviews',
        'order-events',
        'order-history',
        'pages',
        'qr',
        'read-refunds',
        'reconcile',
        'reconciliations',
        'redirect',
        'status-check',
        'sweeper',
        'sync-order',
        'webhook-delivery',
      ]);
      const names = [...bundles.keys()];
      const loaded = await Promise.all(names.map(async (name) => [name, await load(name)]));
      expect(Object.fromEntries(loaded)).toEqual(Object.fromEntries(names.map((name) => [name, 'function'])));
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it(
    'answers through the bundled DynamoDB client (get-order, an unknown order: 404)',
    async () => {
      const result = await invoke(
        'get-order',
        httpEvent('/orders/250101_unknown', { appTransId: '250101_unknown' }),
      );
      expect(result.statusCode).toBe(404);
      expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it(
    'carries the demo pages as they are in web/ when bundled',
    async () => {
      const fromSource = makePagesHandler({
        pages: await readWebPages(),
        config: { merchantName: 'ZaloPay QR demo' },
        push: pushSettings(lambdaEnv()),
        apiDocument: () => ({}),
      });
      for (const path of ['/', '/result']) {
        const bundled = await invoke('pages', httpEvent(path));
        expect(bundled).toMatchObject({
          statusCode: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
        const expected = (await fromSource(httpEvent(path) as never, {} as never)) as { body: string };
        expect(bundled.body).toBe(expected.body);
      }
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it('holds only the AWS SDK clients each function uses', () => {
    const clients = (name: FunctionName) => {
      const code = readFileSync(bundles.get(name)!, 'utf8');
      return [
        code.includes('DynamoDB_20120810') && 'dynamodb',
        code.includes('secretsmanager') && 'secrets-manager',
        code.includes('AWSChronosService') && 'scheduler',
        code.includes('AWSEvents') && 'eventbridge',
        code.includes('AmazonSQS') && 'sqs',
        code.includes('UpdateApiKey') && 'appsync',
        code.includes('AmazonS3') && 's3',
      ].filter(Boolean);
    };
    expect(Object.fromEntries([...bundles.keys()].map((name) => [name, clients(name)]))).toEqual(
      Object.fromEntries([...bundles.keys()].map((name) => [name, [...SDK_CLIENTS[name]]])),
    );
    expect([...bundles.keys()].sort()).toEqual(Object.keys(SDK_CLIENTS).sort());
  });

  it('holds no X-Ray SDK and no Powertools Tracer: Lambda active tracing needs neither', () => {
    for (const [name, file] of bundles) {
      // The source map lists every module esbuild put in the bundle, under its package path.
      const { sources } = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      const tracing = sources.filter((s) => /aws-xray-sdk|@aws-lambda-powertools\/tracer|cls-hooked/.test(s));
      expect({ name, tracing }).toEqual({ name, tracing: [] });
      expect(sources.some((s) => s.includes('@aws-lambda-powertools/logger'))).toBe(true);
    }
  });

  it('holds no key, not even the public sandbox keys (those are local defaults only)', () => {
    for (const file of bundles.values()) {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toContain(SANDBOX.key1);
      expect(code).not.toContain(SANDBOX.key2);
    }
  });
});
