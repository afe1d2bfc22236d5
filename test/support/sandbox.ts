/** ZaloPay's public sandbox app 2553 (zalopay-api.md §2): test constants, never deployed. */
export const SANDBOX = {
  appId: 2553,
  key1: 'PcY4iZIKFCIdgZvA6ueMcMHHUbRLYjPL',
  key2: 'kLtgPl8HHhfvMuDHPwKfgfsY4Ydm9eIz',
} as const;
