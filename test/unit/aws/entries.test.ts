import { readdirSync, readFileSync } from 'node:fs';

/** The Lambda entry modules (functions/aws/*.ts that export a handler) and their source. */
const ENTRIES = new URL('../../../functions/aws/', import.meta.url);
const entries = readdirSync(ENTRIES)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => ({ file, source: readFileSync(new URL(file, ENTRIES), 'utf8') }))
  .filter(({ source }) => /^export const handler\b/m.test(source));

/**
 * pages is the one plain handler: its cold start is a buyer's first wait, and it logs only when its
 * document fails, without Powertools (functions/aws/pages.ts).
 */
const PLAIN = 'pages.ts';

describe('the Lambda entry modules', () => {
  it('are found', () => {
    expect(entries.map((e) => e.file)).toEqual(
      expect.arrayContaining(['callback.ts', 'get-order.ts', 'pages.ts']),
    );
  });

  it('publish their metrics exactly when they count: `metered` with the metrics port, `lambda` without', () => {
    const wrapping = entries
      .filter(({ file }) => file !== PLAIN)
      .map(({ file, source }) => ({
        file,
        counts: /import \{[^}]*\bmetrics\b[^}]*\} from '\.\/lib\/metrics'/.test(source),
        wrapper: /export const handler = (\w+)\(/.exec(source)?.[1],
      }));
    for (const { file, counts, wrapper } of wrapping) {
      expect({ file, wrapper }).toEqual({ file, wrapper: counts ? 'metered' : 'lambda' });
    }
    // Both kinds exist, so neither branch of the check is vacuous.
    expect(new Set(wrapping.map((w) => w.wrapper))).toEqual(new Set(['metered', 'lambda']));
  });

  it('load the app settings (./lib/runtime: zod and the configuration) only when they use them', () => {
    const loading = entries.map(({ file, source }) => {
      const imported = /import \{([^}]*)\} from '\.\/lib\/runtime'/.exec(source)?.[1];
      return {
        file,
        imported: imported !== undefined,
        used: /\b(config|policy|noScheduling)\b/.test(imported ?? ''),
      };
    });
    for (const { file, imported, used } of loading)
      expect({ file, imported }).toEqual({ file, imported: used });
    // Both kinds exist, so neither branch of the check is vacuous.
    expect(new Set(loading.map((l) => l.imported))).toEqual(new Set([true, false]));
  });

  it('pages loads no runtime, middleware or schemas at cold start: only its pages and a few variables', () => {
    const pages = entries.find((e) => e.file === PLAIN)!;
    expect(pages.source).toMatch(/^export const handler = async \(/m);
    const imports = [...pages.source.matchAll(/^import (?!type )[^;]* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual([
      '../../shared/adapters/aws/page-settings',
      '../../shared/adapters/http/headers',
      '../pages',
    ]);
  });
});
