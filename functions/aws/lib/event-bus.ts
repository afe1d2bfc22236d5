import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { orderEventsSettings } from '../../../shared/adapters/aws/settings';
import { EventBridgeSink } from '../../../shared/adapters/events/eventbridge';
import { tracer } from './runtime';

const { eventBus } = orderEventsSettings(process.env);

/** The bus order events are put on (the stack's, or the `eventBusArn` context's); undefined without one. */
export const eventBusSink = eventBus
  ? new EventBridgeSink({ client: tracer.captureAWSv3Client(new EventBridgeClient({})), eventBus })
  : undefined;
