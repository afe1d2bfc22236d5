import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './common';
import { metricsPort, observe } from './observability';

/** Powertools Metrics, namespace from the `POWERTOOLS_METRICS_NAMESPACE` the stack sets. */
const powertoolsMetrics = new Metrics();

/** The core's `Metrics` port, for the functions that count something. */
export const metrics = metricsPort(powertoolsMetrics);

/**
 * Wraps a `makeHandler` result as this function's Lambda handler, as `lambda` of ./runtime.ts
 * does, and publishes what each invocation counted. Every function given {@link metrics} is
 * wrapped by it (test/unit/aws/entries.test.ts): wrapped by `lambda`, its counts would never leave.
 */
export const metered = observe({ logger, metrics: powertoolsMetrics });
