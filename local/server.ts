import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ApiError, errorResponse } from '../shared/adapters/http/errors';
import { json, NOSNIFF } from '../shared/adapters/http/headers';
import { MAX_BODY_BYTES } from '../shared/adapters/http/middleware';
import type { Log } from '../shared/core/observability';
import type { TaskTracker } from './tasks';

/** A Lambda handler as API Gateway (HTTP API, payload 2.0) or a Function URL invokes it. */
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** One API Gateway route: `GET /orders/{appTransId}`. */
export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: HttpHandler;
}

/** A plain Node handler mounted under a path prefix (the ZaloPay emulator). */
export interface Mount {
  prefix: string;
  handle: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
}

/**
 * How much of a body the local server reads. Every route of ours refuses a body over
 * MAX_BODY_BYTES, so one byte more is enough for the handler to answer exactly as it does behind
 * API Gateway (which buffers up to 10 MB first); the rest is never read, and the connection is
 * closed after the answer.
 */
const LOCAL_MAX_BODY = MAX_BODY_BYTES + 1;

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))|\+json|\+xml/;

interface CompiledRoute extends Route {
  pattern: RegExp;
  params: string[];
}

const compile = (route: Route): CompiledRoute => {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), params };
};

/**
 * A request listener that turns each request into the API Gateway v2 event the deployed function
 * would receive, invokes the very same handler, and writes its result back, so local runs
 * exercise the production code path.
 */
export const localRequestListener = (options: {
  routes: Route[];
  mounts?: Mount[];
  log: Log;
  /** Given every request's handling, so that shutdown can wait for it. */
  tasks?: TaskTracker;
}) => {
  const routes = options.routes.map(compile);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const target = req.url ?? '/';
    // Node passes on any request target; API Gateway would refuse one that is not a URL.
    if (!URL.canParse(target, 'http://local')) {
      send(res, errorResponse(new ApiError(400, 'VALIDATION_FAILED', 'the request target is not a URL')));
      return;
    }
    const url = new URL(target, 'http://local');
    // The path only: query strings carry checksums and tokens.
    res.once('finish', () =>
      options.log.info('http', {
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      }),
    );
    const handling = serve(req, res, url).catch((error: unknown) => {
      options.log.error('local server failure', { error });
      if (!res.headersSent) send(res, errorResponse(error));
      else res.destroy();
    });
    options.tasks?.track(handling);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const mount = options.mounts?.find(
      (m) => url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`),
    );
    if (mount) return mount.handle(req, res, url.pathname.slice(mount.prefix.length) || '/');

    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const pathParameters = decodeParams(route.params, match);
      // API Gateway refuses a path whose percent-encoding is not UTF-8 before any function runs.
      if (!pathParameters) {
        return send(
          res,
          errorResponse(
            new ApiError(400, 'VALIDATION_FAILED', 'the request path has a malformed percent-encoding'),
          ),
        );
      }
      const { body, truncated } = await readBody(req, LOCAL_MAX_BODY);
      // The unread rest of an oversized body would otherwise be read and discarded after the answer.
      if (truncated) res.once('finish', () => req.destroy());
      const event = toEvent(req, url, route, pathParameters, body);
      const result = await route.handler(event, lambdaContext(event.requestContext.requestId));
      return send(res, result);
    }
    send(
      res,
      errorResponse(
        pathMatched
          ? new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`)
          : new ApiError(404, 'NOT_FOUND', 'no such route'),
      ),
    );
  }
};

/** The route's path variables, decoded; undefined when one is not valid percent-encoded UTF-8. */
const decodeParams = (names: string[], match: RegExpExecArray): Record<string, string> | undefined => {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
  } catch {
    return undefined;
  }
};

/**
 * At most `limit` bytes of the body: reading stops there (`truncated`), so an oversized body is
 * never buffered whole, whatever its declared length.
 */
const readBody = (req: IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (truncated: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', reject);
      resolve({ body: Buffer.concat(chunks).subarray(0, limit), truncated });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        // Leave the rest unread: the connection is closed once the answer is sent.
        req.pause();
        done(true);
      }
    };
    const onEnd = () => done(false);
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });

const toEvent = (
  req: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const textual = body.length === 0 || contentType === '' || TEXT_TYPES.test(contentType);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(route.path.includes('{') ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };
};

/** Writes a handler result the way API Gateway does, including its plain-value shorthand. */
const send = (res: ServerResponse, result: APIGatewayProxyResultV2): void => {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json', ...NOSNIFF }).end(JSON.stringify(result));
    return;
  }
  const headers: Record<string, string | string[]> = {
    ...NOSNIFF,
    ...(result.headers as Record<string, string>),
  };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  res.writeHead(result.statusCode ?? 200, headers).end(body);
};

/** How long a client should wait before trying again while the local runtime starts. */
export const STARTING_RETRY_AFTER_SECONDS = 1;

/**
 * The listener while the local runtime starts (the port is bound, the database and handlers are
 * not ready): every request gets 503 with `Retry-After` at once, instead of waiting on nothing.
 * A ZaloPay callback gets `return_code` 0 as well, so whichever ZaloPay reads, the HTTP status or
 * the code, it calls again (docs/zalopay-protocol.md §6).
 */
export const startingUpListener =
  (callbackPath: string) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const retry = { 'retry-after': String(STARTING_RETRY_AFTER_SECONDS) };
    const path = (req.url ?? '').split('?')[0];
    const answer =
      path === callbackPath
        ? json(503, { return_code: 0, return_message: 'starting up, please retry' }, retry)
        : errorResponse(new ApiError(503, 'STARTING_UP', 'the server is starting; retry in a moment'));
    // Whatever the request sent is not read: close the connection after the answer.
    res.once('finish', () => req.destroy());
    send(res, { ...answer, headers: { ...answer.headers, ...retry } });
  };

/** The parts of Lambda's context our handlers and Powertools read. */
export const lambdaContext = (requestId: string, functionName = 'local'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Starts `server` listening on `port` (0: a free one), on `host` or every interface; resolves its port. */
export const listen = (server: Server, port: number, host?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
