import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The schema library of everything bundled into a Lambda: zod's tree-shakable `zod/mini` API. The
 * classic `zod` API keeps its whole namespace in every bundle (about 75 KB and 20 ms of cold start
 * for the same checks); mini keeps only what is used. English messages, as classic zod has.
 */
z.config(en());

export { z };
