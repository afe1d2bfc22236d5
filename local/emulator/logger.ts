/** The little the emulator logs through: the local runtime passes its logger, tests nothing. */
export interface EmulatorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ignore = (): void => {};

/** The default: logs nothing. */
export const silentLogger: EmulatorLogger = { info: ignore, warn: ignore, error: ignore };
