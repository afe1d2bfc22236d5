import { verifyRedirect } from '../zalopay/callback';
import type { CredentialsProvider } from '../zalopay/types';
import type { Order } from './model';
import { checkStatus, type StatusCheckDeps } from './status-check';

export interface RedirectDeps extends StatusCheckDeps {
  credentials: CredentialsProvider;
}

export type RedirectOutcome =
  | { kind: 'invalid' }
  | { kind: 'unknown-order'; appTransId: string }
  | { kind: 'order'; order: Order };

/**
 * The buyer's browser returning from ZaloPay (docs/http-api.md `GET /zalopay/redirect`). The redirect
 * is not proof of payment: after a valid checksum, an order still pending is checked with ZaloPay
 * now, so the page the buyer lands on shows the verified outcome.
 */
export const handleRedirect = async (
  deps: RedirectDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<RedirectOutcome> => {
  const verified = verifyRedirect(query, await deps.credentials());
  if (!verified) return { kind: 'invalid' };
  const order = await checkStatus(deps, verified.appTransId, { kind: 'redirect' });
  return order ? { kind: 'order', order } : { kind: 'unknown-order', appTransId: verified.appTransId };
};
