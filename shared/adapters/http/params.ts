import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { APP_TRANS_ID_PATTERN, ZALOPAY_ID_PATTERN } from '../../core/zalopay/ids';
import { notFound } from './errors';
import { hasApiKey } from './middleware';

/**
 * The `{appTransId}` path variable. An id we could never have issued is answered 404 like any
 * other unknown id, without touching the store.
 */
export const appTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !APP_TRANS_ID_PATTERN.test(id)) throw notFound();
  return id;
};

/**
 * The `{appTransId}` of a merchant route: any id ZaloPay could send us, so that orphan payments
 * under ids we never issued can be read too. Anything else is 404 without touching the store.
 */
export const anyAppTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !ZALOPAY_ID_PATTERN.test(id)) throw notFound();
  return id;
};

/**
 * The `{appTransId}` of a public route that the merchant may also use: one of our ids for anyone
 * (it is the buyer's capability), any id ZaloPay could send for a request with the merchant's
 * `x-api-key` (an orphan's id may be guessable, so it is no capability). 404 otherwise, so that a
 * missing key reveals nothing either.
 */
export const readableAppTransIdOf = async (
  event: Pick<APIGatewayProxyEventV2, 'pathParameters' | 'headers'>,
  merchantApiKey: () => Promise<string>,
): Promise<string> => {
  const id = event.pathParameters?.appTransId;
  if (id && APP_TRANS_ID_PATTERN.test(id)) return id;
  const foreign = anyAppTransIdOf(event);
  if (await hasApiKey(event, merchantApiKey)) return foreign;
  throw notFound();
};
