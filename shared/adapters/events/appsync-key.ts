import { type AppSyncClient, UpdateApiKeyCommand } from '@aws-sdk/client-appsync';

/** Options of {@link AppSyncApiKey}. */
export interface AppSyncApiKeyOptions {
  client: AppSyncClient;
  apiId: string;
  /** The key's id (`da2-…`, which is also the key itself). */
  keyId: string;
}

/** An AppSync API key whose expiry can be moved (UpdateApiKey keeps the key itself). */
export class AppSyncApiKey {
  readonly #client: AppSyncClient;
  readonly #apiId: string;
  readonly #keyId: string;

  constructor({ client, apiId, keyId }: AppSyncApiKeyOptions) {
    this.#client = client;
    this.#apiId = apiId;
    this.#keyId = keyId;
  }

  /** Moves the expiry to `expires` (AppSync rounds it down to the hour); resolves with the expiry it kept. */
  async renew(expires: Date): Promise<Date> {
    const { apiKey } = await this.#client.send(
      new UpdateApiKeyCommand({
        apiId: this.#apiId,
        id: this.#keyId,
        expires: Math.floor(expires.getTime() / 1000),
      }),
    );
    return new Date((apiKey?.expires ?? Math.floor(expires.getTime() / 1000)) * 1000);
  }
}
