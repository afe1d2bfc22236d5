import type { ZaloPayCredentials } from '../shared/core/zalopay/types';

/**
 * ZaloPay's public sandbox app 2553, published in ZaloPay's own docs and samples
 * (docs/zalopay-protocol.md §2). A local default only: nothing deployed ever uses it.
 */
export const SANDBOX_APP_2553 = {
  appId: 2553,
  key1: 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL',
  key2: 'kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz',
} as const;

/** True when these are the published sandbox keys (the banner says so). */
export const isSandboxApp = (c: ZaloPayCredentials): boolean =>
  c.appId === SANDBOX_APP_2553.appId && c.key1 === SANDBOX_APP_2553.key1;
