import { ZaloPayClient } from '../../../shared/adapters/zalopay/client';
import { config } from './runtime';
import { credentials } from './secrets';

/** The ZaloPay v2 client, signing with the keys of the secret. */
export const zalopay = new ZaloPayClient({
  baseUrl: config.zalopayApiBase,
  credentials,
  timeoutMs: config.zalopayTimeoutMs,
});
