import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { orderChangeOf } from '../shared/adapters/dynamodb/stream';
import { type EventEnvelope, eventOf } from '../shared/core/events';
import type { Log, Metrics } from '../shared/core/observability';
import type { EventSink } from '../shared/core/ports/events';

export interface Deps {
  /** Every consumer of docs/events.md: the buyer push, the webhook queue, the event bus. */
  sinks: readonly EventSink[];
  config: { publicBaseUrl: string };
  log: Log;
  metrics: Metrics;
}

/** A record of the batch after one that failed: the stream resumes from the failed one anyway. */
export class SkippedAfterFailureError extends Error {
  override readonly name = 'SkippedAfterFailureError';
}

/** Some consumers did not take an event; the others did, and will see it again (at least once). */
export class EventDeliveryError extends Error {
  override readonly name = 'EventDeliveryError';
}

const deliver = async (deps: Deps, event: EventEnvelope): Promise<void> => {
  const results = await Promise.allSettled(deps.sinks.map((sink) => sink.deliver(event)));
  const failed = deps.sinks.filter((_, i) => results[i]?.status === 'rejected');
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      deps.log.warn('order event not delivered', {
        eventId: event.id,
        sink: deps.sinks[i]?.name,
        error: result.reason,
      });
    }
  });
  if (failed.length > 0) {
    deps.metrics.count('OrderEventFailed');
    throw new EventDeliveryError(`${event.id} not taken by ${failed.map((s) => s.name).join(', ')}`);
  }
  deps.metrics.count('OrderEventPublished');
  deps.log.info('order event published', { eventId: event.id, type: event.type });
};

/**
 * The change feed's consumer (docs/events.md §1): DynamoDB stream records of the orders table, on
 * AWS through an event source mapping, locally from the local runtime's stand-in. A record whose
 * write changed an order's status becomes one event (`eventOf`: the same record always makes the
 * same event, so a redelivery carries the same id), handed to every sink; any other record is
 * done at once. Records are processed in stream order; after a failure the rest of the batch is
 * not attempted but reported failed with it, because the stream resumes from the first failed
 * record (partial batch response) and events of one order must not overtake each other.
 */
export const makeHandler = (deps: Deps) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(async (event, context) => {
    let failed = false;
    const processRecord = async (record: DynamoDBRecord): Promise<void> => {
      if (failed) throw new SkippedAfterFailureError('an earlier record of this batch failed');
      try {
        const change = orderChangeOf(record);
        const orderEvent = change && eventOf(change.before, change.after, deps.config.publicBaseUrl);
        if (orderEvent) await deliver(deps, orderEvent);
      } catch (error) {
        failed = true;
        throw error;
      }
    };
    return processPartialResponse(event, processRecord, processor, { context, processInParallel: false });
  });
};
