import type { Env } from './env';

/** The log levels a deployment may set (`LOG_LEVEL`, any case), most verbose first. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const isLogLevel = (level: string): level is LogLevel => (LOG_LEVELS as readonly string[]).includes(level);

/**
 * `LOG_LEVEL` (default `info`), upper-cased, or an Error naming the variable. Read apart from the
 * rest of the configuration (./config.ts) so that the logger of a function that needs no other
 * setting loads neither zod nor the app's settings at its cold start (README "Bundles").
 */
export const logLevelOf = (env: Env): LogLevel => {
  const level = (env.LOG_LEVEL ?? 'info').toUpperCase();
  if (!isLogLevel(level))
    throw new Error(`Invalid configuration: LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
};
