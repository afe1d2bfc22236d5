import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { systemClock } from '../../../shared/core/clock';
import { loadConfig } from '../../../shared/core/config';
import { checkPolicyOf } from '../../../shared/core/orders/checks';
import type { StatusCheckScheduler } from '../../../shared/core/ports/scheduler';
import { metricsPort, observe, redactSecrets } from './observability';

/**
 * What every function shares, built once per container when the entry module loads: the
 * validated configuration (a malformed variable fails the cold start and names itself), one
 * logger, one tracer, one metrics. Service name and metrics namespace come from the
 * `POWERTOOLS_*` variables the stack sets.
 */
export const config = loadConfig(process.env);

/** JSON logs with the Lambda context, level from LOG_LEVEL, secrets and payloads redacted. */
export const logger = new Logger({ logLevel: config.logLevel, jsonReplacerFn: redactSecrets });

/** X-Ray: the handler's segment, the AWS SDK calls and the fetches to ZaloPay. */
export const tracer = new Tracer();

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

/** Wraps a `makeHandler` result as this function's Lambda handler (trace, log context, metrics). */
export const lambda = observe({ logger, tracer, metrics: powertoolsMetrics });
