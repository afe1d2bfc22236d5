import * as z from 'zod/mini';
import { jsonContentOf, schemaDocs } from '../../core/schemas';
import type { ContentContract, HeaderContract, OperationContract, RawSchema, Schema } from './contract';

/** A JSON value of the document. */
type Json = Record<string, unknown>;

/** An OpenAPI Server Object. */
export interface Server {
  url: string;
  description: string;
  variables?: Readonly<Record<string, { default: string; description: string }>>;
}

export interface DocumentOperation {
  method: 'GET' | 'POST';
  path: string;
  contract: OperationContract;
  /** Where this path is served when not on the API's servers (the callback's Function URL). */
  servers?: readonly Server[];
}

/** Everything an OpenAPI 3.1 document is made of; {@link openApiDocument} does the JSON Schema. */
export interface DocumentSpec {
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: readonly Server[];
  tags: ReadonlyArray<{ name: string; description: string }>;
  /** Schemas with a name: emitted once under `components.schemas` and referenced where used. */
  components: Readonly<Record<string, Schema>>;
  /** The schema of each `{name}` of the paths. */
  pathParameters: Readonly<Record<string, { description: string; schema: Schema }>>;
  /** The `x-api-key` scheme of `auth: 'merchant'` (and `'optional'`) operations. */
  apiKey: { header: string; description: string };
  operations: readonly DocumentOperation[];
  /** Requests we send (OpenAPI 3.1 `webhooks`): their body is our output. */
  webhooks: Readonly<Record<string, OperationContract>>;
}

const MERCHANT_SCHEME = 'merchantApiKey';

/** Headers on every answer we give. */
const ANSWER_HEADERS: Readonly<Record<string, HeaderContract>> = {
  'X-Content-Type-Options': {
    description: 'No MIME sniffing: a browser reads the body only as the type we state.',
    schema: { raw: { const: 'nosniff' } },
    required: true,
  },
};
const COMPONENT = '#/components/schemas/';
/** Synthetic ids of unnamed schemas during conversion; none may survive into the document. */
const ANONYMOUS = '~';

type Io = 'input' | 'output';
type Lookup = (schema: Schema | RawSchema, io: Io) => Json;

const isRaw = (schema: Schema | RawSchema): schema is RawSchema => 'raw' in schema;

/**
 * The OpenAPI 3.1 document of `spec`. Every zod schema is converted by `z.toJSONSchema` with its
 * annotations (`schemaDocs`): what a client sends on the input side, what we answer on the output
 * side; named ones become components. Deterministic: the same spec gives the same JSON.
 */
export const openApiDocument = (spec: DocumentSpec): Json => {
  // Pass 1 registers every schema the document uses; pass 2 builds it from their JSON Schemas.
  const registries = { input: new Collector(spec.components), output: new Collector(spec.components) };
  assemble(spec, (schema, io) => (isRaw(schema) ? {} : registries[io].add(schema)));
  const converted = { input: registries.input.convert('input'), output: registries.output.convert('output') };
  const document = assemble(spec, (schema, io) =>
    isRaw(schema) ? (structuredClone(schema.raw) as Json) : converted[io].of(schema),
  );
  const schemas = mergeComponents(converted.input.components(), converted.output.components());
  return { ...document, components: { ...(document.components as Json), schemas } };
};

/** The schemas of one side (input or output), registered under a name or a synthetic id. */
class Collector {
  readonly #ids = z.registry<{ id: string }>();
  readonly #anonymous = new Map<Schema, string>();
  readonly #names: ReadonlyMap<Schema, string>;

  constructor(components: Readonly<Record<string, Schema>>) {
    this.#names = new Map(Object.entries(components).map(([name, schema]) => [schema, name]));
    for (const [schema, name] of this.#names) this.#ids.add(schema, { id: name });
  }

  add(schema: Schema): Json {
    if (!this.#names.has(schema) && !this.#anonymous.has(schema)) {
      const id = `${ANONYMOUS}${this.#anonymous.size}`;
      this.#anonymous.set(schema, id);
      this.#ids.add(schema, { id });
    }
    return {};
  }

  convert(io: Io) {
    const { schemas } = z.toJSONSchema(this.#ids, {
      metadata: schemaDocs,
      io,
      uri: (id) => `${COMPONENT}${id}`,
      override: annotate(io),
    }) as { schemas: Record<string, Json> };
    if ('__shared' in schemas) throw new Error('a schema is recursive: the API document has no place for it');
    const raw = Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, tidy(s)]));
    // An unnamed schema also used inside another was referenced by its synthetic id: put it in place.
    const inline = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(inline);
      if (!value || typeof value !== 'object') return value;
      const { $ref, ...rest } = value as Json;
      const entries = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v)]));
      if (typeof $ref === 'string' && $ref.startsWith(`${COMPONENT}${ANONYMOUS}`)) {
        return { ...(inline(raw[$ref.slice(COMPONENT.length)]) as Json), ...entries };
      }
      return $ref === undefined ? entries : { $ref, ...entries };
    };
    const json = Object.fromEntries(Object.entries(raw).map(([id, s]) => [id, inline(s) as Json]));
    const names = this.#names;
    const anonymous = this.#anonymous;
    /** Named schemas the document refers to directly. */
    const roots = new Set<string>();
    return {
      /** The JSON Schema of `schema` where it is used: a reference for a named one. */
      of: (schema: Schema): Json => {
        const name = names.get(schema);
        if (name) {
          roots.add(name);
          return { $ref: `${COMPONENT}${name}` };
        }
        const id = anonymous.get(schema);
        const found = id && json[id];
        if (!found) throw new Error('a schema was not registered before conversion');
        return structuredClone(found);
      },
      /** The named schemas this side uses, directly or inside others, once the document is built. */
      components: (): Record<string, Json> => {
        const used = new Set<string>();
        const visit = (value: unknown): void => {
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object') {
            const ref = (value as Json).$ref;
            if (
              typeof ref === 'string' &&
              ref.startsWith(COMPONENT) &&
              !used.has(ref.slice(COMPONENT.length))
            ) {
              const target = ref.slice(COMPONENT.length);
              used.add(target);
              visit(json[target]);
            }
            Object.values(value).forEach(visit);
          }
        };
        for (const id of anonymous.values()) visit(json[id]);
        for (const name of roots) visit({ $ref: `${COMPONENT}${name}` });
        return Object.fromEntries([...used].sort().map((name) => [name, json[name] as Json]));
      },
    };
  }
}

/** What zod does not write into a JSON Schema by itself. */
const annotate =
  (io: Io) =>
  ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: Json }): void => {
    // z.int()'s safe-integer bounds say nothing a reader needs; our own bounds stay.
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    const content = jsonContentOf(zodSchema);
    if (content) {
      const json = z.toJSONSchema(content, { metadata: schemaDocs, io, override: annotate(io) }) as Json;
      Object.assign(jsonSchema, { contentMediaType: 'application/json', contentSchema: tidy(json) });
    }
  };

/** Drops what has no place inside an OpenAPI document: `$schema`, the synthetic `$id`. */
const tidy = (schema: Json): Json => {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
};

/** Components used on both sides must agree (an enum does; an object with defaults would not). */
const mergeComponents = (input: Record<string, Json>, output: Record<string, Json>): Record<string, Json> => {
  for (const [name, schema] of Object.entries(input)) {
    if (name in output && JSON.stringify(output[name]) !== JSON.stringify(schema)) {
      throw new Error(`component ${name} differs between requests and answers: name each side apart`);
    }
  }
  const merged = { ...input, ...output };
  return Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((name) => [name, merged[name] as Json]),
  );
};

const assemble = (spec: DocumentSpec, lookup: Lookup): Json => {
  const paths: Record<string, Json> = {};
  for (const { method, path, contract, servers } of spec.operations) {
    const item = paths[path] ?? {};
    paths[path] = item;
    if (servers) item.servers = servers;
    item[method.toLowerCase()] = operation(contract, lookup, 'input', pathParameters(spec, path, lookup));
  }
  const webhooks = Object.fromEntries(
    Object.entries(spec.webhooks).map(([name, contract]) => [
      name,
      { post: operation(contract, lookup, 'output', []) },
    ]),
  );
  return {
    openapi: '3.1.1',
    info: spec.info,
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: spec.servers,
    tags: spec.tags,
    paths,
    webhooks,
    components: {
      securitySchemes: {
        [MERCHANT_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: spec.apiKey.header,
          description: spec.apiKey.description,
        },
      },
    },
  };
};

const pathParameters = (spec: DocumentSpec, path: string, lookup: Lookup): Json[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const parameter = spec.pathParameters[name];
    if (!parameter) throw new Error(`no schema for the path parameter {${name}} of ${path}`);
    return {
      name,
      in: 'path',
      required: true,
      description: parameter.description,
      schema: lookup(parameter.schema, 'input'),
    };
  });

/** `requestIo`: the side of what the caller sends (`output` for a webhook: we send it). */
const operation = (contract: OperationContract, lookup: Lookup, requestIo: Io, parameters: Json[]): Json => {
  const answerIo: Io = requestIo === 'input' ? 'output' : 'input';
  const query = contract.query ? lookup(contract.query, requestIo) : undefined;
  const required = new Set((query?.required as string[] | undefined) ?? []);
  const queryParameters = Object.entries((query?.properties as Record<string, Json> | undefined) ?? {}).map(
    ([name, { description, ...schema }]) => ({
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema,
    }),
  );
  const headerParameters = Object.entries(contract.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    ...headerObject(header, lookup, requestIo),
  }));
  return {
    operationId: contract.operationId,
    summary: contract.summary,
    description: contract.description,
    tags: [contract.tag],
    ...(contract.auth === 'merchant' ? { security: [{ [MERCHANT_SCHEME]: [] }] } : {}),
    // An empty requirement first: anyone may call; the key is one of the accepted alternatives.
    ...(contract.auth === 'optional' ? { security: [{}, { [MERCHANT_SCHEME]: [] }] } : {}),
    ...(parameters.length + queryParameters.length + headerParameters.length > 0
      ? { parameters: [...parameters, ...queryParameters, ...headerParameters] }
      : {}),
    ...(contract.body
      ? {
          requestBody: {
            description: contract.body.description,
            required: true,
            content: content(contract.body.content, lookup, requestIo),
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(contract.responses).map(([status, response]) => {
        // Every answer of ours carries nosniff (errors.ts NOSNIFF); a webhook's answer is the receiver's.
        const headers = requestIo === 'input' ? { ...response.headers, ...ANSWER_HEADERS } : response.headers;
        return [
          status,
          {
            description: response.description,
            ...(headers && Object.keys(headers).length > 0
              ? {
                  headers: Object.fromEntries(
                    Object.entries(headers).map(([name, h]) => [name, headerObject(h, lookup, answerIo)]),
                  ),
                }
              : {}),
            ...(response.content ? { content: content(response.content, lookup, answerIo) } : {}),
          },
        ];
      }),
    ),
  };
};

const headerObject = (header: HeaderContract, lookup: Lookup, io: Io): Json => ({
  description: header.description,
  required: header.required ?? false,
  schema: lookup(header.schema, io),
});

const content = (byType: Readonly<Record<string, ContentContract>>, lookup: Lookup, io: Io): Json =>
  Object.fromEntries(
    Object.entries(byType).map(([type, media]) => [
      type,
      {
        ...(media.schema ? { schema: lookup(media.schema, io) } : {}),
        ...(media.examples ? { examples: media.examples } : {}),
      },
    ]),
  );
