import { type Pages, readPages } from '../functions/pages';

/** The demo pages and every partial in web/partials/, as the local runtime serves them. */
export const readWebPages = async (): Promise<Pages> => readPages(new URL('../web/', import.meta.url));
