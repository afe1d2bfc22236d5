import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { described } from '../../core/schemas';
import { APP_TRANS_ID_PATTERN } from '../../core/zalopay/ids';
import { notFound } from './errors';

/** The `{appTransId}` path variable: the shape of every id we issue (shared/core/zalopay/ids.ts). */
export const appTransIdSchema = described(z.string().check(z.regex(APP_TRANS_ID_PATTERN)), {
  examples: ['261128_4kTq9ZbX2mLp7RvN3sWc0e'],
});

/**
 * The `{appTransId}` path variable. An id we could never have issued is answered 404 like any
 * other unknown id, without touching the store.
 */
export const appTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !appTransIdSchema.safeParse(id).success) throw notFound();
  return id;
};
