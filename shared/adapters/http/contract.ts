import * as z from 'zod/mini';
import { described } from '../../core/schemas';
import { API_ERRORS, type ErrorCode, errorBodySchema } from './errors';

/**
 * A route's contract: what it takes and every answer it gives, for the API document
 * (docs/http-api.md §7). Each handler module exports its route's contract beside `makeHandler`,
 * built from the very schemas the handler parses and answers with, and functions/openapi.ts puts
 * them together. Nothing here runs on a request.
 */

/** A zod schema: the input side for what a client sends, the output side for what we answer. */
export type Schema = z.ZodMiniType;

/** A JSON Schema written out, for what no zod schema describes: an image, an HTML page. */
export interface RawSchema {
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface HeaderContract {
  description: string;
  schema: Schema | RawSchema;
  /** Always sent with this answer, or always needed by this route. */
  required?: boolean;
}

/** A body of one media type. */
export interface ContentContract {
  /** Absent for bytes (an image). */
  schema?: Schema | RawSchema;
  /** Named examples; each must match the schema (the document's test checks them). */
  examples?: Readonly<Record<string, { summary: string; value: unknown }>>;
}

export interface ResponseContract {
  description: string;
  headers?: Readonly<Record<string, HeaderContract>>;
  /** By media type; absent for an answer without a body (302, 304). */
  content?: Readonly<Record<string, ContentContract>>;
}

/** One operation: a method on a path of functions/routes.ts, or the callback. */
export interface OperationContract {
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  /**
   * `merchant`: the merchant's `x-api-key` is required; `optional`: the key widens what the route
   * answers (an orphan payment's order), and no key is needed otherwise.
   */
  auth?: 'merchant' | 'optional';
  /** The strict object the handler parses the query string with: one parameter per property. */
  query?: z.ZodMiniObject;
  /** Request headers (the API key is the security scheme's, not listed here). */
  headers?: Readonly<Record<string, HeaderContract>>;
  body?: { description: string; content: Readonly<Record<string, ContentContract>> };
  /** Every answer, by HTTP status. */
  responses: Readonly<Record<number, ResponseContract>>;
}

/** `cache-control: no-store`, which every JSON answer carries (shared/adapters/http/errors.ts `json`). */
export const NO_STORE: HeaderContract = {
  description: 'JSON answers are never cached.',
  schema: z.literal('no-store'),
  required: true,
};

/** A JSON answer made by `json()`: its schema, its headers, and examples. */
export const jsonAnswer = (
  description: string,
  schema: Schema,
  examples?: ContentContract['examples'],
  headers: Readonly<Record<string, HeaderContract>> = {},
): ResponseContract => ({
  description,
  headers: { 'Cache-Control': NO_STORE, ...headers },
  content: { 'application/json': { schema, ...(examples ? { examples } : {}) } },
});

/** `Retry-After` on the answers that have one: when trying again makes sense. */
export const RETRY_AFTER: HeaderContract = {
  description: 'Seconds to wait before trying again.',
  schema: described(z.int().check(z.positive()), { examples: [1] }),
};

/**
 * The error answers of `codes`, grouped by HTTP status: the shared error body
 * (`#/components/schemas/Error`), its `code` limited to those the status carries here.
 */
export const errorAnswers = (...codes: ErrorCode[]): Record<number, ResponseContract> => {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    for (const status of API_ERRORS[code].status)
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, these]) => [
      status,
      {
        description: these.map((c) => `${c}: ${API_ERRORS[c].when}`).join(' '),
        headers: {
          'Cache-Control': NO_STORE,
          ...(these.includes('IDEMPOTENCY_CONFLICT') ? { 'Retry-After': RETRY_AFTER } : {}),
        },
        content: {
          'application/json': {
            schema: z.intersection(
              errorBodySchema(),
              z.looseObject({ error: z.looseObject({ code: z.enum(these as [ErrorCode, ...ErrorCode[]]) }) }),
            ),
          },
        },
      },
    ]),
  );
};

/** An HTML page: the demo pages, and the pages the redirect answers a browser with. */
export const htmlAnswer = (
  description: string,
  headers: Readonly<Record<string, HeaderContract>> = {},
): ResponseContract => ({
  description,
  headers,
  content: { 'text/html': { schema: { raw: { type: 'string' } } } },
});
