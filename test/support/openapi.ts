import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';

// ajv is CommonJS; its 2020-12 class and the formats plugin are read the way Node resolves them.
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

/** An OpenAPI document, read as JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the document is walked field by field and checked as it goes.
export type OpenApiDocument = Record<string, any>;

/** One real answer of the API, as a test saw it. */
export interface Exchange {
  method: string;
  /** The path template of the document (`/orders/{appTransId}`), not the request's path. */
  path: string;
  status: number;
  headers: Headers;
  /** The raw body; parsed as JSON when the answer says it is JSON. */
  text: string;
}

const DOCUMENT_ID = 'https://zalopay-qr-serverless.invalid/openapi.json';

/** `~` and `/` escaped for a JSON pointer. */
const pointer = (...parts: string[]): string =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * Checks real answers against an OpenAPI 3.1 document: the status must be one the operation
 * documents, every required header present, every documented header's value valid, the media type
 * documented and the body valid against its schema (JSON Schema 2020-12 with formats). What the
 * document does not describe is a problem.
 */
export class ResponseValidator {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #compiled = new Map<string, ValidateFunction>();
  /** `METHOD path status` of every answer checked so far. */
  readonly seen = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.#ajv);
    // The whole document is one schema resource: `#/components/schemas/…` resolves inside it.
    this.#ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }

  /** The problems of `exchange` against the document; none when the document describes it. */
  problems(exchange: Exchange): string[] {
    const { method, path, status } = exchange;
    const where = `${method} ${path} ${status}`;
    this.seen.add(where);
    const operation = this.document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path}: no such operation in the document`];
    const response = operation.responses?.[String(status)];
    if (!response) return [`${where}: the status is not documented`];
    const responsePointer = pointer('paths', path, method.toLowerCase(), 'responses', String(status));
    const problems: string[] = [];

    for (const [name, header] of Object.entries<{ required?: boolean }>(response.headers ?? {})) {
      const value = exchange.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: header ${name} is missing`);
        continue;
      }
      const validate = this.#validator(`${responsePointer}/headers/${pointer(name)}/schema`);
      if (!validate(value) && !validate(Number(value))) {
        problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${this.#explain(validate.errors)}`);
      }
    }

    const contentType = exchange.headers.get('content-type')?.split(';')[0]?.trim();
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    if (!content) {
      if (exchange.text !== '') problems.push(`${where}: a body where the document has none`);
      return problems;
    }
    if (!contentType || !(contentType in content)) {
      problems.push(`${where}: content-type ${contentType} is not documented (${Object.keys(content)})`);
      return problems;
    }
    if (!content[contentType]?.schema) return problems;
    const validate = this.#validator(`${responsePointer}/content/${pointer(contentType)}/schema`);
    let body: unknown = exchange.text;
    if (contentType === 'application/json') {
      try {
        body = JSON.parse(exchange.text);
      } catch {
        return [...problems, `${where}: the body is not JSON`];
      }
    }
    if (!validate(body)) problems.push(`${where}: body ${this.#explain(validate.errors)}`);
    return problems;
  }

  #validator(at: string): ValidateFunction {
    let validate = this.#compiled.get(at);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `${DOCUMENT_ID}#/${at}` });
      this.#compiled.set(at, validate);
    }
    return validate;
  }

  #explain(errors: ErrorObject[] | null | undefined): string {
    return this.#ajv.errorsText(errors, { dataVar: '' });
  }
}

/** Every `METHOD path status` the document describes. */
export const documentedAnswers = (document: OpenApiDocument): string[] =>
  Object.entries<Record<string, { responses?: Record<string, unknown> }>>(document.paths ?? {}).flatMap(
    ([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .flatMap(([method, operation]) =>
          Object.keys(operation.responses ?? {}).map((status) => `${method.toUpperCase()} ${path} ${status}`),
        ),
  );
