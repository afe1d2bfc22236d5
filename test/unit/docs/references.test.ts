import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every document a comment, a page or another document names (`docs/state-machine.md`,
 * `zalopay-protocol.md §4.1`, `[README](../README.md)`) must exist in the repository, and so must
 * every section it names by number: someone who clones the project follows them to something.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');

const SELF = path.relative(ROOT, import.meta.filename);

/** The repository's text files, but this one: its examples name documents on purpose. */
const trackedFiles = (): string[] =>
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => /\.(ts|js|mjs|html|md)$/.test(f) && f !== SELF && existsSync(path.join(ROOT, f)));

/** A named document, optionally followed by section numbers: `x.md §3`, `x.md §3.1 and §9`, `x.md (§3.6, §5.1)`. */
const REFERENCE =
  /(?<![\w/.-])((?:\.{1,2}\/)*[\w-]+(?:\/[\w.-]+)*\.md)\b((?:\s*(?:,|and|\()?\s*§\s*\d+(?:\.\d+)*\)?)*)/g;

interface Reference {
  file: string;
  line: number;
  document: string;
  sections: string[];
}

/** The references in one file's text. */
const referencesIn = (file: string, text: string): Reference[] =>
  text.split('\n').flatMap((content, i) =>
    [...content.matchAll(REFERENCE)].map((m) => ({
      file,
      line: i + 1,
      document: m[1] ?? '',
      sections: [...(m[2] ?? '').matchAll(/§\s*(\d+(?:\.\d+)*)/g)].map((s) => s[1] ?? ''),
    })),
  );

/** Where a named document is: relative to the naming file first (Markdown links), then to the root. */
const resolve = (from: string, document: string): string | undefined =>
  [path.join(ROOT, path.dirname(from), document), path.join(ROOT, document)].find((p) => existsSync(p));

/** The section numbers a Markdown document's headings carry: `## 4.`, `### 4.1 …`. */
const sectionsOf = (markdown: string): Set<string> =>
  new Set([...markdown.matchAll(/^#{1,6}\s+§?(\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1] ?? ''));

describe('references to documents', () => {
  it('finds the forms the code uses', () => {
    expect(
      referencesIn('a.ts', ' * docs/zalopay-protocol.md §3.1 and §9: … (docs/x.md §3.6, §5.1, §8)'),
    ).toEqual([
      { file: 'a.ts', line: 1, document: 'docs/zalopay-protocol.md', sections: ['3.1', '9'] },
      { file: 'a.ts', line: 1, document: 'docs/x.md', sections: ['3.6', '5.1', '8'] },
    ]);
    expect(referencesIn('d/r.md', 'see [the API](../http-api.md) and design.md §4.')).toEqual([
      { file: 'd/r.md', line: 1, document: '../http-api.md', sections: [] },
      { file: 'd/r.md', line: 1, document: 'design.md', sections: ['4'] },
    ]);
  });

  it('name documents and sections that exist in the repository', () => {
    const dangling: string[] = [];
    let checked = 0;
    for (const file of trackedFiles()) {
      for (const ref of referencesIn(file, readFileSync(path.join(ROOT, file), 'utf8'))) {
        checked++;
        const where = `${ref.file}:${ref.line} names ${ref.document}`;
        const target = resolve(ref.file, ref.document);
        if (!target) {
          dangling.push(`${where}, which does not exist`);
          continue;
        }
        const sections = sectionsOf(readFileSync(target, 'utf8'));
        for (const section of ref.sections.filter((s) => !sections.has(s))) {
          dangling.push(`${where} §${section}, which has no such section`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(dangling).toEqual([]);
  });
});
