import { AppSyncClient } from '@aws-sdk/client-appsync';

/** The floor of a function that only uses AppSync's control plane (events-key-renewer): the client, built once. */
export const appSync = new AppSyncClient({});

export const handler = async (): Promise<void> => undefined;
