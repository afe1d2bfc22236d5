import { createRequire, SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * node:fs through `require`, not `import`: importing a built-in as an ES module makes Node build
 * its facade, which reads every export, and node:fs's lazy `ReadStream` then loads the streams
 * (about 25 ms of CPU at every cold start, for a read most containers never make).
 */
const { readFileSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/**
 * Stack traces that point into the TypeScript sources, with the source map read only when a stack
 * trace first shows a frame of the bundle.
 *
 * Node's `--enable-source-maps` does the same mapping, but reads every bundle's source map, and
 * walks its whole text, when the module loads: about 90 ms of each cold start for a map most
 * containers never use (README "Bundles"). Every bundle instead first imports `source-maps.mjs`,
 * bundled beside it from ./install-source-maps.ts (`SOURCE_MAPS` of infra/constructs/app-function.ts),
 * which installs {@link lazySourceMaps}: V8 calls `Error.prepareStackTrace` when an error's `stack` is
 * first read, and only then is the map beside the bundle file (`index.mjs.map`) read, once. A stack trace reads as Node's would: the original
 * file, line and column of each frame of the bundle, with the original function name where the map
 * knows it.
 */

type PrepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => unknown;

/** How a stack trace starts, as Node writes it: `TypeError [ERR_X]: message` for Node's own errors. */
const headline = (error: unknown): string => {
  try {
    const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
    if (typeof code === 'string' && code.startsWith('ERR_') && typeof name === 'string') {
      return `${name} [${code}]: ${String(message)}`;
    }
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
};

const AT = '\n    at ';

/** The file of a frame: a file URL for an ES module, a path otherwise. */
const pathOf = (file: string): string => (file.startsWith('file:') ? fileURLToPath(file) : file);

/** What a source map knows of a place in the bundle (Node's `findEntry` also gives the `name`). */
type Entry = Partial<SourceMapping & { name: string }>;

/** The entry at a frame's 1-based line and column (a source map counts from 0). */
const entryAt = (map: SourceMap, line: number | null, column: number | null): Entry =>
  line && column ? map.findEntry(line - 1, column - 1) : {};

/**
 * A frame mapped to its source, written as V8 writes a frame and Node a mapped one: `async`/`new`,
 * the original name (the map's name of the enclosing function, else of the call the caller's frame
 * points at), then `(source:line:column)`; undefined where the map knows no source.
 */
const mappedFrame = (map: SourceMap, site: NodeJS.CallSite, caller: NodeJS.CallSite | undefined) => {
  const { originalSource, originalLine, originalColumn } = entryAt(
    map,
    site.getLineNumber(),
    site.getColumnNumber(),
  );
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined) {
    return undefined;
  }
  const originalName =
    entryAt(map, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber()).name ||
    (caller?.getFileName() === site.getFileName()
      ? entryAt(map, caller?.getLineNumber() ?? null, caller?.getColumnNumber() ?? null).name
      : undefined);
  const typeName = site.getTypeName();
  const generatedName = `${typeName !== null && typeName !== 'global' ? `${typeName}.` : ''}${
    site.getFunctionName() ?? site.getMethodName() ?? '<anonymous>'
  }`;
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  return `${prefix}${originalName || generatedName} (${pathOf(originalSource)}:${originalLine + 1}:${originalColumn + 1})`;
};

/**
 * An `Error.prepareStackTrace` that maps the frames of the bundle files in `dir` (a directory URL,
 * e.g. the bundle's own `new URL('.', import.meta.url)`) through the map beside each file, read at the
 * first stack trace that needs it. A stack with no frame there goes to `previous` (Node's default,
 * or a test runner's own), so nothing else changes. A missing or unreadable map leaves the frames
 * as V8 writes them; formatting never throws.
 */
export const lazySourceMaps = (dir: URL, previous?: PrepareStackTrace): PrepareStackTrace => {
  const root = pathOf(dir.href);
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (file: string): SourceMap | null => {
    let map = maps.get(file);
    if (map === undefined) {
      try {
        const payload = JSON.parse(readFileSync(`${pathOf(file)}.map`, 'utf8')) as SourceMapPayload;
        // Its sources resolved against the map's own place, as Node resolves them.
        const base = new URL(`${file}.map`, 'file:///');
        map = new SourceMap({
          ...payload,
          sources: payload.sources.map((source) => new URL(source, base).href),
        });
      } catch {
        map = null;
      }
      maps.set(file, map);
    }
    return map;
  };
  const ours = (site: NodeJS.CallSite) => {
    const file = site.getFileName();
    return file !== undefined && file !== null && pathOf(file).startsWith(root) ? file : undefined;
  };
  const fallback = (error: Error, sites: NodeJS.CallSite[]) =>
    `${headline(error)}${sites.map((site) => `${AT}${site}`).join('')}`;

  return (error, sites) => {
    try {
      if (!sites.some(ours)) return (previous ?? fallback)(error, sites);
      const frames = sites.map((site, i) => {
        const file = ours(site);
        const map = file && mapOf(file);
        return `${AT}${(map && mappedFrame(map, site, sites[i + 1])) || site}`;
      });
      return `${headline(error)}${frames.join('')}`;
    } catch {
      return fallback(error, sites);
    }
  };
};
