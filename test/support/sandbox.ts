import { SANDBOX_APP_2553 } from '../../local/sandbox';

/** ZaloPay's public sandbox app 2553 (docs/zalopay-protocol.md §2), the local runtime's default app. */
export const SANDBOX = SANDBOX_APP_2553;
