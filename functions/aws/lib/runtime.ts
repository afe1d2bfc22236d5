import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { systemClock } from '../../../shared/core/clock';
import { loadConfig } from '../../../shared/core/config';
import { checkPolicyOf } from '../../../shared/core/orders/checks';
import type { StatusCheckScheduler } from '../../../shared/core/ports/scheduler';
import { metricsPort, observe, redactSecrets } from './observability';

/**
 * What every function shares, built once per container when the entry module loads: the
 * validated configuration (a malformed variable fails the cold start and names itself), one
 * logger, one metrics. Service name and metrics namespace come from the `POWERTOOLS_*` variables
 * the stack sets. Traces need nothing here: Lambda's active tracing records each invocation's
 * segment, and OpenTelemetry, when the stack turns it on, wraps the handler from its layer
 * (docs/conventions.md §6).
 */
export const config = loadConfig(process.env);

/** JSON logs with the Lambda context, level from LOG_LEVEL, secrets and payloads redacted. */
export const logger = new Logger({ logLevel: config.logLevel, jsonReplacerFn: redactSecrets });

const powertoolsMetrics = new Metrics();

/** The core's `Metrics` port. */
export const metrics = metricsPort(powertoolsMetrics);

/** Real time on AWS. */
export const clock = systemClock;

/** When status checks run, from the configuration. */
export const policy = checkPolicyOf(config);

/**
 * The scheduler of the functions whose checks run on demand (redirect, merchant sync): such checks
 * never arrange a follow-up (docs/scheduling.md), so those functions carry no Scheduler client and no
 * permission to create schedules.
 */
export const noScheduling: StatusCheckScheduler = {
  schedule: async () => {
    throw new Error('an on-demand status check never schedules');
  },
};

/** Wraps a `makeHandler` result as this function's Lambda handler (log context, metrics). */
export const lambda = observe({ logger, metrics: powertoolsMetrics });
