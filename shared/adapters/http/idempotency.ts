import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Clock } from '../../core/clock';
import type { IdempotencyStore } from '../../core/ports/store';
import { described } from '../../core/schemas';
import { ApiError, validationFailed } from './errors';
import { JSON_HEADERS } from './headers';

/** The request header that makes `POST /orders` safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The answer header saying an answer is the stored one, replayed. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** What an Idempotency-Key may be: 1–255 printable ASCII characters, no spaces. */
export const idempotencyKeySchema = described(
  z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters')),
  { examples: ['cart-c-42-v3'] },
);

/**
 * How long a client should wait before retrying while a request with its key is still running:
 * creates usually finish within a second, and at worst within ZaloPay's timeout.
 */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** The Idempotency-Key header, if any, checked: 1–255 printable ASCII characters. */
export const idempotencyKeyOf = (headers: Readonly<Record<string, string | undefined>> | undefined) => {
  // API Gateway and the local server give header names in lower case.
  const key = headers?.[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (key === undefined) return undefined;
  const checked = idempotencyKeySchema.safeParse(key);
  if (!checked.success) {
    throw validationFailed([
      { path: IDEMPOTENCY_KEY_HEADER, message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return checked.data;
};

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

export const requestHash = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');

/**
 * Runs `run` at most once per Idempotency-Key (docs/http-api.md): the same key with the same body
 * replays the stored answer; with another body, or while the first call is still running, 409.
 * An attempt that ended in an error frees the key, so it may be used again.
 */
export const withIdempotency = async (
  deps: { idempotency: IdempotencyStore; clock: Clock; leaseMs: number },
  key: string | undefined,
  body: unknown,
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  if (key === undefined) return run();
  const hash = requestHash(body);
  const now = deps.clock();
  const claim = await deps.idempotency.claim(
    key,
    hash,
    now.toISOString(),
    new Date(now.getTime() + deps.leaseMs).toISOString(),
  );
  switch (claim.kind) {
    case 'replay':
      return {
        statusCode: claim.response.statusCode,
        headers: { ...JSON_HEADERS, [IDEMPOTENT_REPLAYED_HEADER.toLowerCase()]: 'true' },
        body: claim.response.body,
      };
    case 'mismatch':
      throw new ApiError(
        409,
        'IDEMPOTENCY_CONFLICT',
        'this Idempotency-Key was used with a different request',
      );
    case 'in-progress':
      throw new ApiError(
        409,
        'IDEMPOTENCY_CONFLICT',
        'a request with this Idempotency-Key is still in progress',
        {
          headers: { 'retry-after': String(IN_PROGRESS_RETRY_AFTER_SECONDS) },
        },
      );
    case 'claimed':
      break;
  }
  let response: APIGatewayProxyStructuredResultV2;
  try {
    response = await run();
  } catch (error) {
    // If even the release fails, the claim's lease still frees the key later; the first error matters.
    await deps.idempotency.release(key, hash).catch(() => undefined);
    throw error;
  }
  await deps.idempotency.complete(key, hash, {
    statusCode: response.statusCode ?? 200,
    body: String(response.body),
  });
  return response;
};
