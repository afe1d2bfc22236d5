import type { IncomingMessage } from 'node:http';

/** Request parameters by wire name, each value the text exactly as received. */
export type RequestParams = Readonly<Record<string, string>>;

export type ParamsResult =
  | { ok: true; params: RequestParams }
  | { ok: false; problem: 'malformed' | 'unsupported-media-type' };

/** Thrown by readBody when the client sends more than the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The whole request body, at most `limit` bytes. */
export const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const fromEntries = (entries: Iterable<[string, string]>): RequestParams => {
  // The first occurrence wins, and a Map keeps names like "__proto__" as plain keys.
  const map = new Map<string, string>();
  for (const [name, value] of entries) if (!map.has(name)) map.set(name, value);
  return Object.fromEntries(map);
};

const jsonEntries = (body: string): [string, string][] | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(parsed)) {
    // Numbers are written back in plain decimal; objects, booleans and null count as absent.
    if (typeof value === 'string') entries.push([name, value]);
    else if (typeof value === 'number' && Number.isFinite(value)) entries.push([name, String(value)]);
  }
  return entries;
};

/**
 * The parameters of an API call, from a form-urlencoded or JSON body (also a JSON body sent as
 * form-urlencoded, as the official Node SDK does), or from the URL query string when the body is
 * empty (ZaloPay's own samples and the SDK's older releases post that way). Bodies are UTF-8.
 */
export const requestParams = (
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
): ParamsResult => {
  const text = body.toString('utf8');
  if (text.trim() === '') return { ok: true, params: fromEntries(query) };
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') {
    const entries = jsonEntries(text);
    return entries ? { ok: true, params: fromEntries(entries) } : { ok: false, problem: 'malformed' };
  }
  if (mediaType === 'application/x-www-form-urlencoded' || mediaType === '') {
    // ZaloPay's official Node SDK posts JSON text through axios, which labels a string body
    // form-urlencoded: a body that starts as a JSON object is read as one (no form field name
    // starts with "{").
    if (text.trimStart().startsWith('{')) {
      const entries = jsonEntries(text);
      return entries ? { ok: true, params: fromEntries(entries) } : { ok: false, problem: 'malformed' };
    }
    return { ok: true, params: fromEntries(new URLSearchParams(text)) };
  }
  return { ok: false, problem: 'unsupported-media-type' };
};
