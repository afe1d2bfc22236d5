import { orderEventsSettings } from '../../../shared/adapters/aws/settings';
import { AppSyncEventsPublisher } from '../../../shared/adapters/events/appsync';

const { eventsEndpoint } = orderEventsSettings(process.env);

/**
 * The buyer push (AppSync Events' HTTP publish), signed with the function role's credentials,
 * which Lambda keeps in the environment; undefined when the stack gives no endpoint.
 */
export const pushPublisher = eventsEndpoint
  ? new AppSyncEventsPublisher({
      endpoint: eventsEndpoint,
      region: process.env.AWS_REGION ?? '',
      credentials: () => ({
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
        sessionToken: process.env.AWS_SESSION_TOKEN,
      }),
    })
  : undefined;
