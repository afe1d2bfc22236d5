import type { AppConfig } from '../config';
import { isHttpUrl } from '../config';
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

/**
 * Where the buyer goes after the redirect: the order's `returnUrl` while its origin is still
 * allowed (RETURN_URL_ORIGINS, or our own origin), else our `/result` page. Checked again here and
 * not only at creation: an order created before the allow-list changed must not keep a signed way
 * to send buyers to an origin that is no longer trusted.
 */
export const returnTarget = (
  order: Pick<Order, 'returnUrl'>,
  config: Pick<AppConfig, 'publicBaseUrl' | 'returnUrlOrigins'>,
): { url: URL; refused?: string } => {
  const result = new URL(`${config.publicBaseUrl}/result`);
  const { returnUrl } = order;
  if (!returnUrl) return { url: result };
  const allowed = isHttpUrl(returnUrl) && config.returnUrlOrigins.includes(new URL(returnUrl).origin);
  return allowed ? { url: new URL(returnUrl) } : { url: result, refused: returnUrl };
};
