import type * as z from 'zod/mini';
import { zodMessages } from '../../core/zod-messages';
import { type ErrorDetail, validationFailed } from './errors';

/** `items[0].price` from zod's path. */
const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );

/** The value, parsed by `schema`, or a VALIDATION_FAILED error listing every problem. */
export const parseOrThrow = <T>(schema: z.ZodMiniType<T>, value: unknown, message?: string): T => {
  const result = schema.safeParse(value, { error: zodMessages });
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({
    path: pathOf(issue.path),
    message: issue.message,
  }));
  throw validationFailed(details, message);
};
