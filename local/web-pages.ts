import { readdir, readFile } from 'node:fs/promises';
import type { Pages } from '../functions/pages';

const webFile = (name: string) => readFile(new URL(`../web/${name}`, import.meta.url), 'utf8');

/** The demo pages and every partial in web/partials/, as the local runtime serves them. */
export const readWebPages = async (): Promise<Pages> => {
  const names = (await readdir(new URL('../web/partials/', import.meta.url))).filter((f) =>
    f.endsWith('.html'),
  );
  const partials = Object.fromEntries(
    await Promise.all(names.map(async (f) => [f.slice(0, -'.html'.length), await webFile(`partials/${f}`)])),
  );
  return { checkout: await webFile('checkout.html'), result: await webFile('result.html'), partials };
};
