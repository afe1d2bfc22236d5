/**
 * Thrown at load when a variable is malformed; the message names every bad variable. In a module of
 * its own so that a reader of a few variables (the pages function's) need not load the settings'
 * schemas (./config.ts).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
