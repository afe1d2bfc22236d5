import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { described } from '../../core/schemas';
import { APP_TRANS_ID_PATTERN, ZALOPAY_ID_PATTERN } from '../../core/zalopay/ids';
import { notFound } from './errors';
import { hasApiKey } from './middleware';

/** The shape of every id we issue (shared/core/zalopay/ids.ts). */
const ourIdSchema = z.string().check(z.regex(APP_TRANS_ID_PATTERN));

/**
 * The `{appTransId}` path variable as the API document states it: any id ZaloPay could send us.
 * Ours have the narrower {@link APP_TRANS_ID_PATTERN}; the others (orphan payments) are readable
 * only by the merchant.
 */
export const appTransIdSchema = described(z.string().check(z.regex(ZALOPAY_ID_PATTERN)), {
  examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
});

/**
 * The `{appTransId}` path variable. An id we could never have issued is answered 404 like any
 * other unknown id, without touching the store.
 */
export const appTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !ourIdSchema.safeParse(id).success) throw notFound();
  return id;
};

/**
 * The `{appTransId}` of a merchant route: any id ZaloPay could send us, so that orphan payments
 * under ids we never issued can be read too. Anything else is 404 without touching the store.
 */
export const anyAppTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !appTransIdSchema.safeParse(id).success) throw notFound();
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
  if (id && ourIdSchema.safeParse(id).success) return id;
  const foreign = anyAppTransIdOf(event);
  if (await hasApiKey(event, merchantApiKey)) return foreign;
  throw notFound();
};
