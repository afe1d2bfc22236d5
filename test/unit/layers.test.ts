import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The dependency rule of docs/architecture.md §2 is a lint rule (biome.json): `npm run lint` fails
 * when shared/core imports an adapter, a composition root or an SDK, or shared/adapters imports a
 * composition root. These tests lint probe files laid out like the repository with the project's own
 * configuration, so a rule that stopped matching (a moved folder, a renamed package) fails here.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIOME = path.join(ROOT, 'node_modules/@biomejs/biome/bin/biome');

/** Each probe: a file at a place in the layout importing one module, and whether the rule must refuse it. */
const CORE = 'shared/core/orders';
const ADAPTER = 'shared/adapters/dynamodb';
const PROBES: { at: string; imports: string; refused: boolean }[] = [
  ...[
    '../../adapters/dynamodb/order-store',
    '../../../functions/routes',
    '../../../local/app',
    '../../../infra/stack',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/lib-dynamodb',
    '@middy/core',
    '@aws-lambda-powertools/logger',
    'aws-lambda',
    'aws-cdk-lib/aws-lambda',
    'node:http',
  ].map((imports) => ({ at: CORE, imports, refused: true })),
  ...['../model', '../../zalopay/mac', 'zod/mini', 'node:crypto'].map((imports) => ({
    at: CORE,
    imports,
    refused: false,
  })),
  ...['../../../functions/routes', '../../../local/app', '../../../infra/stack'].map((imports) => ({
    at: ADAPTER,
    imports,
    refused: true,
  })),
  ...['../../core/ports/store', '@aws-sdk/lib-dynamodb'].map((imports) => ({
    at: ADAPTER,
    imports,
    refused: false,
  })),
];

/** How many restricted-import diagnostics each probe got, by its index, from one Biome run. */
let diagnostics: number[];

beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
  try {
    const config = JSON.parse(readFileSync(path.join(ROOT, 'biome.json'), 'utf8'));
    // The probe folder is no git checkout; everything else is the project's configuration.
    delete config.$schema;
    delete config.vcs;
    writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
    PROBES.forEach(({ at, imports }, i) => {
      mkdirSync(path.join(dir, at), { recursive: true });
      writeFileSync(
        path.join(dir, at, `probe${i}.ts`),
        `import type { X } from '${imports}';\n\nexport type Y = X;\n`,
      );
    });
    const run = spawnSync(process.execPath, [BIOME, 'lint', '--max-diagnostics=none', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const output = `${run.stdout}${run.stderr}`;
    const refusals = [...output.matchAll(/probe(\d+)\.ts:\d+:\d+ lint\/style\/noRestrictedImports/g)];
    diagnostics = PROBES.map((_, i) => refusals.filter((m) => m[1] === String(i)).length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the dependency rule (biome.json)', () => {
  it.each(PROBES.map((probe, i) => ({ ...probe, i })))(
    'in $at, importing $imports: refused $refused',
    ({ refused, i }) => {
      expect(diagnostics[i]).toBe(refused ? 1 : 0);
    },
  );
});
