import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type AppSecret,
  parseSecret,
  secretSettings,
  webhookSecretOf,
} from '../../../shared/adapters/aws/settings';
import { ConfigError } from '../../../shared/core/config-error';
import type { CredentialsProvider } from '../../../shared/core/zalopay/types';

const { secretArn, maxAgeSeconds } = secretSettings(process.env);

const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });

let parsed: { text: string; secret: AppSecret } | undefined;

/**
 * The secret, from Powertools' cache: fetched again once it is `maxAgeSeconds` old, so a rotated
 * key reaches every warm container within that time (docs/configuration.md). Parsed once per value.
 */
const readSecret = async (): Promise<AppSecret> => {
  const text = await provider.get(secretArn, { maxAge: maxAgeSeconds });
  if (typeof text !== 'string') throw new ConfigError('The ZaloPay secret must be a JSON string');
  if (parsed?.text !== text) parsed = { text, secret: parseSecret(text) };
  return parsed.secret;
};

/** ZaloPay's app_id, key1, key2 and, during a rotation, the previous key2. */
export const credentials: CredentialsProvider = async () => (await readSecret()).credentials;

/** The `x-api-key` of the merchant routes. */
export const merchantApiKey = async (): Promise<string> => (await readSecret()).merchantApiKey;

/** The merchant webhook's signing secret (`webhookSecret`, `whsec_…`). */
export const webhookSecret = async (): Promise<string> => webhookSecretOf(await readSecret());
