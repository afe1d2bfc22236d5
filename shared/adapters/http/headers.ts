import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The headers of every answer of ours, and the JSON answer, in a module that imports nothing: the
 * pages function answers with them at cold start without loading the error schemas (./errors.ts).
 */

/** On every answer of ours: a browser must never read a body as another type than the one we say. */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  ...NOSNIFF,
} as const;

/** A JSON response with our standard headers. */
export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});
