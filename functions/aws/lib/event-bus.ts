import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { orderEventsSettings } from '../../../shared/adapters/aws/settings';
import { EventBridgeSink } from '../../../shared/adapters/events/eventbridge';

const { eventBus } = orderEventsSettings(process.env);

/** The bus order events are put on (the stack's, or the `eventBusArn` context's); undefined without one. */
export const eventBusSink = eventBus
  ? new EventBridgeSink({ client: new EventBridgeClient({}), eventBus })
  : undefined;
