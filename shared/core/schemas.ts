import * as z from 'zod/mini';

/** A whole number from min to max, read from text (an environment variable or a query string). */
export const intBetween = (min: number, max: number) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
