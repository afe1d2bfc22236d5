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
import { AppFunction, type FunctionName } from '../infra/constructs/app-function';
import {
  bundleOf,
  bundleStack,
  lambdaEnvironment,
  SDK_CLIENTS,
  type SdkClient,
} from '../test/support/bundles';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);

/**
 * `BENCH_ONLY=pages,qr`: measures only these functions and their floors (every function when unset),
 * for a quick look at one function while the machine is shared.
 */
const ONLY = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknownOnly = ONLY?.filter((name) => !(name in SDK_CLIENTS)) ?? [];
if (unknownOnly.length > 0) {
  throw new Error(
    `BENCH_ONLY: no function named ${unknownOnly.join(', ')} (${Object.keys(SDK_CLIENTS).join(', ')})`,
  );
}
const measured = (name: FunctionName) => !ONLY || ONLY.includes(name);

/** What a cold start sees: a Lambda-like environment with every variable the functions read. */
const LAMBDA_ENV = {
  ...lambdaEnvironment(),
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
};

/**
 * A function's floor: a bundle of the AWS SDK clients it holds (SDK_CLIENTS, which
 * test/infra/bundles.test.ts checks against every bundle), named by them (bench/floors/).
 */
const SHORT: Record<SdkClient, string> = {
  dynamodb: 'dynamodb',
  'secrets-manager': 'secrets',
  scheduler: 'scheduler',
  eventbridge: 'eventbridge',
  sqs: 'sqs',
  appsync: 'appsync',
  s3: 's3',
};
const floorOf = (name: FunctionName): string =>
  SDK_CLIENTS[name].map((client) => SHORT[client]).join('-') || 'none';
const FLOORS = [
  ...new Set((Object.keys(SDK_CLIENTS) as FunctionName[]).filter(measured).map((name) => floorOf(name))),
];

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
  // With a webhook, so that webhook-delivery is bundled and measured too.
  const { app, bundles: stackBundles } = bundleStack(outdir, { webhookUrl: 'https://shop.example/hooks' });
  const floors = new Stack(app, 'BundleFloors');
  const bundles = new Map<string, string>([
    ...[...stackBundles].filter(([name]) => measured(name)),
    ...FLOORS.map((floor) => {
      const fn = new AppFunction(floors, floor, {
        entry: fileURLToPath(new URL(`floors/${floor}.ts`, import.meta.url)),
        logRetention: RetentionDays.ONE_DAY,
      });
      return [`floor:${floor}`, bundleOf(outdir, fn)] as const;
    }),
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
  console.log(`Importing each bundle ${RUNS} times, each time in a fresh process…`);
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

  const rows = [...stackBundles.keys()].filter(measured).map((name) => {
    const floor = floorOf(name as FunctionName);
    // Against the empty bundle the ratio says nothing: pages is judged by its gap over it.
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
