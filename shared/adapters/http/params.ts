import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { APP_TRANS_ID_PATTERN } from '../../core/zalopay/ids';
import { notFound } from './errors';

/**
 * The `{appTransId}` path variable. An id we could never have issued is answered 404 like any
 * other unknown id, without touching the store.
 */
export const appTransIdOf = (event: Pick<APIGatewayProxyEventV2, 'pathParameters'>): string => {
  const id = event.pathParameters?.appTransId;
  if (!id || !APP_TRANS_ID_PATTERN.test(id)) throw notFound();
  return id;
};
