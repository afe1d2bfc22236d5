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
import { AppFunction, type FunctionName, RUNTIME_NODE_OPTIONS } from '../infra/constructs/app-function';
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

/** One cold import: milliseconds and, once loaded, megabytes. */
interface Sample {
  wall: number;
  cpu: number;
  rss: number;
  heap: number;
}

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

  /**
   * Wall and CPU milliseconds of one cold import (CPU time is the steadier on a busy machine), and
   * the process's resident and heap memory once the module is loaded: what a container holds
   * before its first request, the base of the memory setting.
   */
  const importMs = (file: string): Sample => {
    const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const wall = performance.now() - t; const u = process.cpuUsage(c); const m = process.memoryUsage(); process.stdout.write(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000, rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: LAMBDA_ENV,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`importing ${file} failed:\n${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  console.log(`Importing each bundle ${RUNS} times, each time in a fresh process (${RUNTIME_NODE_OPTIONS})…`);
  const times = new Map<string, Sample[]>([...bundles.keys()].map((k) => [k, []]));
  for (const file of bundles.values()) importMs(file); // warms the file cache, not measured
  // Round-robin, so a noisy moment of the machine spreads over all bundles alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, file] of bundles) times.get(name)!.push(importMs(file));
  }
  const median = (name: string, measure: keyof Sample) => {
    const sorted = times
      .get(name)!
      .map((t) => t[measure])
      .sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const kb = (file: string) => `${Math.round(statSync(file).size / 1024)} KB`;

  const rows = [...stackBundles.keys()].map((name) => {
    const floor = floorOf(name as FunctionName);
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
      'rss MB': median(name, 'rss').toFixed(0),
      'heap MB': median(name, 'heap').toFixed(1),
    };
  });
  console.table(rows);
  console.log(
    `Median of ${RUNS} cold imports per bundle on Node ${process.versions.node} (${process.arch}), wall and CPU ` +
      'time, resident and heap memory after the import; the floor holds only the AWS SDK clients the function uses, constructed as ours are.',
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
