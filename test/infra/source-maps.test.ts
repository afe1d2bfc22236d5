import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuildCommand, SOURCE_MAPS } from '../../infra/constructs/app-function';

/**
 * Stack traces of a bundle built as every function is built (`esbuildCommand`, whose banner imports
 * the module of `SOURCE_MAPS` beside the bundle) and run without `--enable-source-maps`: mapped to
 * the sources as Node maps them, from a source map read at the first stack trace, not at load.
 */
const FIXTURE = `export class Store {
  async load(id: string): Promise<string> {
    return explode(id);
  }
}
function explode(id: string): string {
  throw new Error(\`no order \${id}\`);
}
export const handler = async () => new Store().load('42');
export const outOfRange = () => Buffer.alloc(-1);
`;

let dir: string;
let source: string;
let bundle: string;
let plain: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'source-maps-test-'));
  source = join(dir, 'fixture.ts');
  writeFileSync(source, FIXTURE);
  bundle = join(dir, 'hook', 'index.mjs');
  execSync(esbuildCommand(source, bundle));
  execSync(esbuildCommand(SOURCE_MAPS.entry, join(dir, 'hook', SOURCE_MAPS.file), ''));
  // The same without that module: what Node's --enable-source-maps makes of it.
  plain = join(dir, 'node', 'index.mjs');
  execSync(esbuildCommand(source, plain, ''));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` (with the bundle's exports as `m`) in a fresh Node process; what it printed, as JSON. */
const run = (file: string, script: string, nodeOptions = ''): Record<string, string> =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); ${script}`,
      ],
      { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' },
    ),
  );

/** The stack of what `call` throws, as the child prints it. */
const STACK_OF = (call: string) =>
  `let stack; try { await ${call}; } catch (error) { stack = error.stack; } process.stdout.write(JSON.stringify({ stack }));`;

/** The `(file:line:column)` of each frame. */
const locations = (stack: string) => [...stack.matchAll(/\((.*:\d+:\d+)\)$/gm)].map((m) => m[1]);

describe('stack traces of a bundle', () => {
  it('point into the sources, with the original names, as Node maps them', () => {
    const { stack } = run(bundle, STACK_OF('m.handler()'));
    const lines = stack!.split('\n');
    expect(lines[0]).toBe('Error: no order 42');
    expect(lines[1]).toBe(`    at explode (${source}:7:9)`);
    expect(lines[2]).toMatch(new RegExp(`^    at \\w+\\.load \\(${source}:3:12\\)$`));
    const { stack: nodes } = run(plain, STACK_OF('m.handler()'), '--enable-source-maps');
    expect(locations(stack!)).toEqual(locations(nodes!));
    expect(locations(stack!).length).toBeGreaterThanOrEqual(3);
  });

  it("keep Node's error code in the first line", () => {
    const { stack } = run(bundle, STACK_OF('m.outOfRange()'));
    expect(stack).toMatch(/^RangeError \[ERR_OUT_OF_RANGE\]: The value of "size" is out of range/);
    expect(stack).toContain(`${source}:10:`);
  });

  it('read the source map at the first stack trace, not when the bundle loads', () => {
    // Away while the bundle loads, back before the first stack trace: mapped all the same.
    renameSync(`${bundle}.map`, `${bundle}.away`);
    try {
      const script = `(await import('node:fs')).renameSync(${JSON.stringify(`${bundle}.away`)}, ${JSON.stringify(`${bundle}.map`)}); ${STACK_OF('m.handler()')}`;
      expect(run(bundle, script).stack).toContain(`at explode (${source}:7:9)`);
    } finally {
      try {
        renameSync(`${bundle}.away`, `${bundle}.map`);
      } catch {
        // The child put it back.
      }
    }
  });

  it('fall back to the bundle positions, without failing, when the map is missing or broken', () => {
    const map = readFileSync(`${bundle}.map`, 'utf8');
    try {
      for (const broken of ['{"version":3,"sources":', '']) {
        writeFileSync(`${bundle}.map`, broken);
        const { stack } = run(bundle, STACK_OF('m.handler()'));
        expect(stack).toMatch(/^Error: no order 42\n {4}at \w+ \(file:\/\/.*\/index\.mjs:\d+:\d+\)/);
      }
      rmSync(`${bundle}.map`);
      expect(run(bundle, STACK_OF('m.handler()')).stack).toContain('index.mjs:');
    } finally {
      writeFileSync(`${bundle}.map`, map);
    }
  });

  it('leave a stack with no frame of the bundle as Node writes it', () => {
    const script = `const stack = () => { try { null.x; } catch (error) { return error.stack; } };
      const before = stack(); process.stdout.write(JSON.stringify({ before }));`;
    const withHook = run(bundle, script);
    const without = run(plain, script);
    expect(withHook.before).toBe(without.before);
    expect(withHook.before).toMatch(
      /^TypeError: Cannot read properties of null \(reading 'x'\)\n {4}at stack/,
    );
  });
});
