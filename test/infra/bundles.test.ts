import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { deploymentDocument } from '../../functions/aws/pages-openapi';
import { makeHandler as makePagesHandler } from '../../functions/pages';
import { BUNDLING, type FunctionName, SOURCE_MAPS } from '../../infra/constructs/app-function';
import { readWebPages } from '../../local/web-pages';
import { pageSettings } from '../../shared/adapters/aws/page-settings';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import { bundleStack, lambdaEnvironment, SDK_CLIENTS } from '../support/bundles';
import { allowedHashes, servedHashes } from '../support/csp';
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
const inBundle = async (
  name: FunctionName,
  script: string,
  env: Record<string, string> = {},
): Promise<unknown> => {
  const main = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles.get(name)!).href)}); ${script}`;
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', main], {
      env: { ...lambdaEnv(), ...env },
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

/** The handler's answer to `event` (`env` on top of Lambda's). */
const invoke = async (name: FunctionName, event: unknown, env: Record<string, string> = {}) =>
  (await inBundle(
    name,
    `const context = { functionName: 'test', awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:123456789012:function:test', getRemainingTimeInMillis: () => 10000 };
     process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`,
    env,
  )) as APIGatewayProxyStructuredResultV2 & { body: string };

/** The files of a function's asset: its bundle and what lies beside it. */
const assetFiles = (name: FunctionName) => readdirSync(dirname(bundles.get(name)!)).sort();

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
        push: pageSettings(lambdaEnv()).push,
        apiDocument: () => ({}),
      });
      for (const path of ['/', '/result']) {
        const bundled = await invoke('pages', httpEvent(path));
        expect(bundled).toMatchObject({
          statusCode: 200,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
        const expected = (await fromSource(httpEvent(path) as never, {} as never)) as typeof bundled;
        expect(bundled.body).toBe(expected.body);
        // The hashes made at synth are those of the blocks served, and the policy is the one the
        // local runtime makes by hashing the same files at start.
        const csp = String(bundled.headers?.['content-security-policy']);
        expect(allowedHashes(csp)).toEqual(servedHashes(bundled.body));
        expect(bundled.headers).toEqual(expected.headers);
      }
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it(
    "serves this deployment's API document from openapi.mjs, beside the pages' bundle",
    async () => {
      const bundled = await invoke('pages', httpEvent('/openapi.json'));
      expect(bundled).toMatchObject({
        statusCode: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' },
      });
      expect(JSON.parse(bundled.body)).toEqual(deploymentDocument(lambdaEnv()));
      expect(JSON.parse(bundled.body)).toMatchObject({ servers: [{ url: 'https://api.example.com' }] });
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it(
    'answers a document it cannot make with a 500 and one JSON log line; the pages still load',
    async () => {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles.get('pages')!).href)});
           const page = await handler(${JSON.stringify(httpEvent('/'))}, { awsRequestId: 'r-1' });
           const document = await handler(${JSON.stringify(httpEvent('/openapi.json'))}, { awsRequestId: 'r-2' });
           process.stdout.write(JSON.stringify({ page: page.statusCode, document }));`,
        ],
        { env: { ...lambdaEnv(), LOG_LEVEL: 'info', AMOUNT_MIN: 'a thousand' } },
      );
      expect(JSON.parse(stdout)).toEqual({
        page: 200,
        document: {
          statusCode: 500,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          },
          body: JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error' } }),
        },
      });
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        level: 'ERROR',
        service: lambdaEnv().POWERTOOLS_SERVICE_NAME,
        function_request_id: 'r-2',
        error: { name: 'ConfigError', message: expect.stringContaining('AMOUNT_MIN') },
      });
      // Its stack trace points into the sources (functions/aws/lib/source-maps.ts), not openapi.mjs.
      const { stack } = JSON.parse(lines[0]!).error as { stack: string };
      expect(stack).toMatch(/\/shared\/core\/env\.ts:\d+:\d+\)$/m);
      expect(stack).not.toContain('.mjs:');
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it(
    'map their stack traces to the sources, with no NODE_OPTIONS: a cold start that fails names the source line',
    async () => {
      for (const name of [...bundles.keys()]) {
        expect([
          name,
          readFileSync(bundles.get(name)!, 'utf8').startsWith(`import './${SOURCE_MAPS.file}';`),
        ]).toEqual([name, true]);
        const beside = JSON.parse(
          readFileSync(join(dirname(bundles.get(name)!), `${SOURCE_MAPS.file}.map`), 'utf8'),
        ) as { sources: string[] };
        expect(beside.sources).toEqual([
          expect.stringMatching(/functions\/aws\/lib\/source-maps\.ts$/),
          expect.stringMatching(/functions\/aws\/lib\/install-source-maps\.ts$/),
        ]);
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `let stack; try { await import(${JSON.stringify(pathToFileURL(bundles.get('create-order')!).href)}); } catch (error) { stack = error.stack; }
           process.stdout.write(JSON.stringify(stack));`,
        ],
        { env: { ...lambdaEnv(), AMOUNT_MIN: 'a thousand' } },
      );
      const stack = JSON.parse(stdout) as string;
      expect(stack).toMatch(/^ConfigError: Invalid configuration: AMOUNT_MIN/);
      expect(stack).toMatch(/\/shared\/core\/config\.ts:\d+:\d+\)$/m);
      expect(stack).toMatch(/\/functions\/aws\/lib\/runtime\.ts:\d+:\d+\)$/m);
      expect(stack).not.toContain('index.mjs:');
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it("keeps the API document's generator out of the pages' start-up file, in a file of its own", () => {
    expect(assetFiles('pages')).toEqual([
      'index.mjs',
      'index.mjs.map',
      'openapi.mjs',
      'openapi.mjs.map',
      'page-hashes.json',
      SOURCE_MAPS.file,
      `${SOURCE_MAPS.file}.map`,
      'web',
    ]);
    for (const name of bundles.keys()) {
      if (name !== 'pages')
        expect({ name, files: assetFiles(name) }).toEqual({
          name,
          files: ['index.mjs', 'index.mjs.map', SOURCE_MAPS.file, `${SOURCE_MAPS.file}.map`],
        });
    }
    const sourcesOf = (file: string) =>
      (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
    const startUp = bundles.get('pages')!;
    const lazy = join(dirname(startUp), 'openapi.mjs');
    // No schema library, no generator, no handler module but the pages' own, no middleware or logger.
    expect(
      sourcesOf(startUp).filter((s) => /node_modules|openapi|contract|errors\.ts|schemas|runtime/.test(s)),
    ).toEqual([]);
    expect(readFileSync(startUp, 'utf8')).not.toContain('ZaloPay QR payments');
    // Nor node:crypto (tens of ms at import): the pages' CSP hashes were made at synth.
    const crypto = /^import [^;]*from ['"](node:)?crypto['"]/m;
    const modules = sourcesOf(startUp).map((source) => join(dirname(startUp), source));
    expect(modules).toEqual(expect.arrayContaining([expect.stringMatching(/functions\/pages\.ts$/)]));
    expect(modules.filter((module) => crypto.test(readFileSync(module, 'utf8')))).toEqual([]);
    expect(readFileSync(startUp, 'utf8')).not.toMatch(/["'](node:)?crypto["']/);
    // No built-in imported as an ES module but the banner's node:module (and its source-maps.mjs):
    // Node builds a facade of each, and node:fs's loads the streams (functions/pages.ts requires it).
    const esmImports = [
      ...readFileSync(startUp, 'utf8').matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g),
    ].map((m) => m[1]);
    expect(new Set(esmImports)).toEqual(new Set([`./${SOURCE_MAPS.file}`, 'node:module']));
    expect(sourcesOf(lazy)).toEqual(
      expect.arrayContaining([expect.stringMatching(/functions\/openapi\.ts$/)]),
    );
    expect(readFileSync(lazy, 'utf8')).toContain('ZaloPay QR payments');
    // Built as the function itself is: ESM with the same banner, minified, with its source map.
    const code = readFileSync(lazy, 'utf8');
    expect(code.startsWith(BUNDLING.banner!)).toBe(true);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=openapi.mjs.map')).toBe(true);
    expect(code.split('\n').length).toBeLessThan(50);
  });

  it(
    'starts the pages loading no built-in module but those any bundle loads: no node:crypto, no streams',
    async () => {
      // Node's own list of the built-ins it has loaded, before and after the import (and before
      // process.stdout, which loads the streams).
      const builtinsLoadedBy = async (name: FunctionName) => {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const before = new Set(process.moduleLoadList);
             await import(${JSON.stringify(pathToFileURL(bundles.get(name)!).href)});
             const loaded = process.moduleLoadList.filter((m) => !before.has(m));
             process.stdout.write(JSON.stringify(loaded));`,
          ],
          { env: lambdaEnv() },
        );
        return (JSON.parse(stdout) as string[]).filter((m) => /crypto|stream/.test(m));
      };
      expect(await builtinsLoadedBy('pages')).toEqual([]);
      // The callback checks MACs: the same look finds node:crypto there.
      expect(await builtinsLoadedBy('callback')).toContain('NativeModule crypto');
    },
    IN_BUNDLE_TIMEOUT_MS,
  );

  it("keeps the pages' HTML out of the start-up file's text: web/ is copied beside it, as it is", () => {
    const asset = dirname(bundles.get('pages')!);
    const files = (dir: string): string[] =>
      readdirSync(join(asset, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    const web = files('web').sort();
    expect(web).toEqual(
      expect.arrayContaining(['web/checkout.html', 'web/partials/style.html', 'web/result.html']),
    );
    for (const file of web) {
      expect(readFileSync(join(asset, file), 'utf8')).toBe(
        readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'),
      );
    }
    // The start-up file is code: a few KB, none of the pages' markup.
    const code = readFileSync(bundles.get('pages')!, 'utf8');
    expect(code).not.toContain('<!doctype html>');
    expect(code.length).toBeLessThan(16_000);
  });

  it('holds only the AWS SDK clients each function uses', () => {
    const clients = (name: FunctionName) => {
      // Every file of the asset: pages' openapi.mjs holds none either.
      const code = assetFiles(name)
        .filter((file) => file.endsWith('.mjs'))
        .map((file) => readFileSync(join(dirname(bundles.get(name)!), file), 'utf8'))
        .join('\n');
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
      // Every function logs through Powertools but pages, whose start-up loads none (functions/aws/pages.ts).
      const logger = sources.some((s) => s.includes('@aws-lambda-powertools/logger'));
      expect({ name, logger }).toEqual({ name, logger: name !== 'pages' });
    }
  });

  it('holds no key, not even the public sandbox keys (those are local defaults only)', () => {
    for (const file of [...bundles.values(), join(dirname(bundles.get('pages')!), 'openapi.mjs')]) {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toContain(SANDBOX.key1);
      expect(code).not.toContain(SANDBOX.key2);
    }
  });
});
