import * as z from 'zod';
import type { ZaloPayCredentials } from '../shared/zalopay/types';

/**
 * ZaloPay's public sandbox app 2553, published in ZaloPay's own docs and samples
 * (zalopay-api.md §2). A local default only: nothing deployed ever uses it.
 */
export const SANDBOX_APP_2553 = {
  appId: 2553,
  key1: 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL',
  key2: 'kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz',
} as const;

const schema = z.object({
  ZALOPAY_APP_ID: z.coerce.number().int().positive().default(SANDBOX_APP_2553.appId),
  ZALOPAY_KEY1: z.string().min(1).default(SANDBOX_APP_2553.key1),
  ZALOPAY_KEY2: z.string().min(1).default(SANDBOX_APP_2553.key2),
  ZALOPAY_KEY2_PREVIOUS: z.string().min(1).optional(),
});

/** The local runtime's ZaloPay credentials: from the environment, else the public sandbox app. */
export const localCredentials = (env: Readonly<Record<string, string | undefined>>): ZaloPayCredentials => {
  const parsed = schema.safeParse(env);
  // Only variable names in the message: a malformed key must not be echoed to the terminal.
  if (!parsed.success)
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.path).join(', ')}`);
  const c = parsed.data;
  return {
    appId: c.ZALOPAY_APP_ID,
    key1: c.ZALOPAY_KEY1,
    key2: c.ZALOPAY_KEY2,
    ...(c.ZALOPAY_KEY2_PREVIOUS ? { key2Previous: c.ZALOPAY_KEY2_PREVIOUS } : {}),
  };
};

/** True when these are the published sandbox keys (the banner says so). */
export const isSandboxApp = (c: ZaloPayCredentials): boolean =>
  c.appId === SANDBOX_APP_2553.appId && c.key1 === SANDBOX_APP_2553.key1;
