import english from 'zod/v4/locales/en.js';

/**
 * English messages for zod/mini, which loads no locale. Passed per parse (`{ error: zodMessages }`)
 * rather than set globally, so the code stays free of import-time side effects and each bundle
 * carries this one locale, not all of them. Messages a schema spells out itself take precedence.
 */
export const zodMessages = english().localeError;
