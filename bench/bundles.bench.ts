/**
 * The Lambda bundles: every function bundled exactly as the stack bundles it (the stack itself,
 * built with bundling on), its size and its cold import time in a fresh Node process, beside its
 * floor: a bundle of only the AWS SDK clients the function uses, bundled by the same construct.
 * The aim is an import time ≤ 1.3× the floor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build, type Plugin } from 'esbuild';
import {
  AppFunction,
  BUNDLING,
  entryOf,
  type FunctionName,
  RUNTIME_NODE_OPTIONS,
} from '../infra/constructs/app-function';
import { FUNCTION_SPECS } from '../infra/stack';
import { bundleOf, bundleStack, lambdaEnvironment } from '../test/support/bundles';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);

/** What a cold start sees: a Lambda-like environment with every variable the functions read. */
const LAMBDA_ENV = {
  ...lambdaEnvironment(),
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  POWERTOOLS_SERVICE_NAME: 'bench',
  POWERTOOLS_METRICS_NAMESPACE: 'Bench',
};

/** The floors, by the SDK clients a function's spec says it uses. */
const FLOORS = ['none', 'dynamodb', 'dynamodb-secrets', 'dynamodb-secrets-scheduler'] as const;
type Floor = (typeof FLOORS)[number];
const floorOf = (name: FunctionName): Floor => {
  const spec = FUNCTION_SPECS[name];
  if (spec.schedules) return 'dynamodb-secrets-scheduler';
  if (spec.secret) return 'dynamodb-secrets';
  return spec.table.length > 0 ? 'dynamodb' : 'none';
};

/** The row of create-order bundled with Powertools Tracer swapped for a no-op. */
const WITHOUT_TRACER = 'create-order, Tracer as a no-op';

const outdir = mkdtempSync(join(tmpdir(), 'bundles-bench-'));
try {
  console.log('Bundling every function through the stack (local esbuild)…');
  const { app, bundles: stackBundles } = bundleStack(outdir);
  const floors = new Stack(app, 'BundleFloors');
  const floorFunctions = Object.fromEntries(
    FLOORS.map((floor) => [
      floor,
      new AppFunction(floors, floor, {
        entry: fileURLToPath(new URL(`floors/${floor}.ts`, import.meta.url)),
        logRetention: RetentionDays.ONE_DAY,
      }),
    ]),
  ) as Record<Floor, AppFunction>;

  const bundles = new Map<string, string>([
    ...stackBundles,
    ...FLOORS.map((floor) => [`floor:${floor}`, bundleOf(outdir, floorFunctions[floor])] as const),
  ]);

  // What Tracer costs: create-order bundled again with the construct's options (esbuild directly,
  // as the construct takes no plugins), Powertools Tracer swapped for a no-op.
  const noTracer: Plugin = {
    name: 'no-tracer',
    setup: (b) =>
      b.onResolve({ filter: /^@aws-lambda-powertools\/tracer(\/middleware)?$/ }, () => ({
        path: fileURLToPath(new URL('floors/no-tracer.ts', import.meta.url)),
      })),
  };
  const withoutTracer = join(outdir, 'create-order-without-tracer', 'index.mjs');
  await build({
    entryPoints: [entryOf('create-order')],
    outfile: withoutTracer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner ?? '' },
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    loader: { ...BUNDLING.loader } as Record<string, 'text'>,
    logLevel: 'warning',
    plugins: [noTracer],
  });
  bundles.set(WITHOUT_TRACER, withoutTracer);

  /** Wall and CPU milliseconds of one cold import: CPU time is the steadier on a busy machine. */
  const importMs = (file: string): { wall: number; cpu: number } => {
    const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: performance.now() - t, cpu: (u.user + u.system) / 1000 }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: LAMBDA_ENV,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`importing ${file} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  console.log(`Importing each bundle ${RUNS} times, each time in a fresh process (${RUNTIME_NODE_OPTIONS})…`);
  const times = new Map<string, { wall: number; cpu: number }[]>([...bundles.keys()].map((k) => [k, []]));
  for (const file of bundles.values()) importMs(file); // warms the file cache, not measured
  // Round-robin, so a noisy moment of the machine spreads over all bundles alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, file] of bundles) times.get(name)!.push(importMs(file));
  }
  const median = (name: string, measure: 'wall' | 'cpu') => {
    const sorted = times
      .get(name)!
      .map((t) => t[measure])
      .sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const kb = (file: string) => `${Math.round(statSync(file).size / 1024)} KB`;

  const rows = [...stackBundles.keys(), WITHOUT_TRACER].map((name) => {
    const floor = floorOf((name === WITHOUT_TRACER ? 'create-order' : name) as FunctionName);
    const ratio = (measure: 'wall' | 'cpu') =>
      floor === 'none' ? '—' : (median(name, measure) / median(`floor:${floor}`, measure)).toFixed(2);
    return {
      function: name,
      bundle: kb(bundles.get(name)!),
      'import ms': median(name, 'wall').toFixed(0),
      floor,
      'floor bundle': kb(bundles.get(`floor:${floor}`)!),
      'floor ms': median(`floor:${floor}`, 'wall').toFixed(0),
      ratio: ratio('wall'),
      'cpu ms / floor': `${median(name, 'cpu').toFixed(0)} / ${median(`floor:${floor}`, 'cpu').toFixed(0)}`,
      'cpu ratio': ratio('cpu'),
    };
  });
  console.table(rows);
  console.log(
    `Median of ${RUNS} cold imports per bundle on Node ${process.versions.node} (${process.arch}), wall and CPU ` +
      'time; the floor holds only the AWS SDK clients the function uses, constructed as ours are.',
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
