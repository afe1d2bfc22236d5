import { Logger } from '@aws-lambda-powertools/logger';
import { systemClock } from '../../../shared/core/clock';
import { logLevelOf } from '../../../shared/core/log-level';
import { observe, redactSecrets } from './observability';

/**
 * What every function shares and no app setting decides, built once per container when the entry
 * module loads. Apart from ./runtime.ts (the app settings), so that a function that reads none of
 * them loads neither zod nor the configuration when it starts (README "Bundles"). Traces need
 * nothing here: Lambda's active tracing records each invocation's segment, and OpenTelemetry, when
 * the stack turns it on, wraps the handler from its layer (docs/conventions.md §6).
 */

/**
 * JSON logs with the Lambda context, level from LOG_LEVEL (a bad value fails the cold start and
 * names it), secrets and payloads redacted. The service name comes from the `POWERTOOLS_*`
 * variables the stack sets.
 */
export const logger = new Logger({ logLevel: logLevelOf(process.env), jsonReplacerFn: redactSecrets });

/**
 * Wraps a `makeHandler` result as this function's Lambda handler (log context). A function that
 * counts uses `metered` of ./metrics.ts instead, which also publishes its metrics.
 */
export const lambda = observe({ logger });

/** Real time on AWS. */
export const clock = systemClock;
