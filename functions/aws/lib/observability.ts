import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Metrics } from '../../../shared/core/observability';

/**
 * Field names whose values never reach a log line, wherever they are nested: the ZaloPay keys,
 * the merchant API key, MACs and checksums, request credentials, and callback or request payloads
 * (which carry the buyer's data). The core never logs them; this is the net under it.
 */
const REDACTED_FIELDS = new Set(
  [
    'key1',
    'key2',
    'key2Previous',
    'merchantApiKey',
    'mac',
    'checksum',
    'x-api-key',
    'authorization',
    'cookie',
    'data',
    'body',
    'embed_data',
    'item',
  ].map((f) => f.toLowerCase()),
);

/** Powertools Logger's `jsonReplacerFn`: replaces the value of every field in {@link REDACTED_FIELDS}. */
export const redactSecrets = (key: string, value: unknown): unknown =>
  value !== undefined && REDACTED_FIELDS.has(key.toLowerCase()) ? '[REDACTED]' : value;

/** Our `Metrics` port on Powertools Metrics: every business metric is a count (EMF, flushed per invocation). */
export const metricsPort = (metrics: PowertoolsMetrics): Metrics => ({
  count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
});

/**
 * Publishes what the invocation counted, after success and failure alike. Unlike Powertools'
 * `logMetrics`, an invocation that counted nothing (most reads) publishes nothing and warns nothing.
 */
const publishMetrics = (metrics: PowertoolsMetrics): MiddlewareObj => {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
};

/**
 * The Powertools instances of one function, created once per container. Metrics only for the
 * functions that count something: the others do not load Powertools Metrics at all.
 */
interface Observability {
  logger: Logger;
  metrics?: PowertoolsMetrics;
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Wraps a handler built by `makeHandler` in the Lambda observability layer: the request's context
 * on every log line (the event itself is never logged) and, given `metrics`, their flush. No tracing SDK:
 * Lambda's active tracing records the invocation without one (docs/conventions.md §6). The handler stays an inner middy chain, so
 * its own error middleware has shaped the answer before this layer sees it: a 4xx is not a fault.
 */
export const observe =
  ({ logger, metrics }: Observability) =>
  <E, R>(handler: Handler<E, R>, ...extra: MiddlewareObj<E, R>[]) =>
    middy<E, R>((event: E, context: Context) => handler(event, context))
      .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
      .use(metrics ? [publishMetrics(metrics)] : [])
      .use(extra);
