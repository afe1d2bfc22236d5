import * as z from 'zod/mini';

/** A whole number from min to max, read from text (an environment variable or a query string). */
export const intBetween = (min: number, max: number) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));

/**
 * What the API document says of a schema beyond its shape: JSON Schema annotations, copied as
 * they are into the schema's JSON Schema (docs/http-api.md §7).
 */
export interface SchemaDocs {
  description?: string;
  /** Values a reader can copy; in Vietnamese where the text is shown to a buyer. */
  examples?: readonly unknown[];
  /** A JSON Schema format zod does not infer from the checks (`uri` for a URL checked by refinement). */
  format?: string;
}

/**
 * The annotations of the schemas the handlers validate with and answer by. A registry of its own,
 * not zod's global one: nothing is configured at import time, and the API document
 * (functions/openapi.ts) is the only reader.
 */
export const schemaDocs = z.registry<SchemaDocs>();

const jsonContent = new WeakMap<z.ZodMiniType, z.ZodMiniType>();

/**
 * `schema`, annotated for the API document; `contentSchema` says what JSON a string schema holds
 * (a callback's `data`). Call it last: a check added afterwards makes a new schema.
 */
export const described = <T extends z.ZodMiniType>(
  schema: T,
  { contentSchema, ...docs }: SchemaDocs & { contentSchema?: z.ZodMiniType },
): T => {
  // A schema instance has one set of annotations: describing a shared one twice would move them.
  if (schemaDocs.has(schema)) throw new Error(`schema already described: ${docs.description ?? ''}`);
  schemaDocs.add(schema, docs);
  if (contentSchema) jsonContent.set(schema, contentSchema);
  return schema;
};

/** The schema of the JSON a string schema holds, if {@link described} was told. */
export const jsonContentOf = (schema: unknown): z.ZodMiniType | undefined =>
  jsonContent.get(schema as z.ZodMiniType);

/**
 * A schema built at its first use, the same instance at every use after. For the schemas of what
 * we answer and publish: handlers build answers by their types and never parse them, so only the API
 * document (functions/openapi.ts) reads these schemas, and no Lambda function builds them when it
 * starts (every zod schema built at import adds to the cold start: README "Bundles").
 */
export const lazySchema = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

/**
 * An ISO-8601 UTC timestamp in an answer (`Date.prototype.toISOString`). Answers are never parsed,
 * so the format is stated rather than checked.
 */
export const isoTimestamp = (description: string) =>
  described(z.string(), { description, format: 'date-time', examples: ['2026-11-28T03:21:07.512Z'] });
