import type * as z from 'zod/mini';
import { ConfigError } from './config-error';
import { zodMessages } from './zod-messages';

/*
 * Reading variables with a schema, apart from the app settings (./config.ts, whose schema is built
 * when that module loads): a function that reads only its own variables
 * (shared/adapters/aws/settings.ts) does not build it.
 */

/** The process environment, or a part of it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** `schema` applied to the environment, or a ConfigError naming every bad variable (never its value). */
export const parseEnv = <T>(schema: z.ZodMiniType<T>, env: Env, nameOf = (path: string) => path): T => {
  const parsed = schema.safeParse(env, { error: zodMessages });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${nameOf(String(i.path[0] ?? '')) || 'environment'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
};
