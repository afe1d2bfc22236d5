import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { type WebSocket, WebSocketServer } from 'ws';
import { appTransIdOfChannel, PUSH_NAMESPACE } from '../../shared/core/events';
import type { Log } from '../../shared/core/observability';

/** Where clients connect, as on AppSync Events (`wss://<realtime domain>/event/realtime`). */
export const REALTIME_PATH = '/event/realtime';
/** Where publishers POST, as on AppSync Events (`https://<http domain>/event`). */
export const PUBLISH_PATH = '/event';

/** AppSync Events' WebSocket subprotocol. */
export const EVENT_WS_PROTOCOL = 'aws-appsync-event-ws';

/** Options of {@link LocalEventApi}. */
export interface LocalEventApiOptions {
  /** The API key subscribers authorize with (`EVENTS_API_KEY`). */
  apiKey: string;
  /** The HTTP domain clients name as `host` in their authorization: `localhost:3000`. */
  host: string;
  /** The only credentials a publish may be signed with (IAM on AWS). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  log: Log;
  /** Between `ka` messages; default 60 s. */
  keepAliveMs?: number;
  /** What `connection_ack` promises: a client may give up after this long without a message. */
  connectionTimeoutMs?: number;
}

interface AppSyncError {
  errorType: string;
  message: string;
}

const unauthorized = (message = 'You are not authorized to make this call.'): AppSyncError => ({
  errorType: 'UnauthorizedException',
  message,
});
const badRequest = (message: string): AppSyncError => ({ errorType: 'BadRequestException', message });

/** AppSync Events accepts events of up to 240 KB, five per publish. */
const MAX_PUBLISH_BYTES = 5 * 240 * 1024;
const MAX_EVENTS_PER_PUBLISH = 5;
/** SigV4's tolerance for a request's clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `20261128T032107Z` → its Date, or undefined. */
const amzDate = (value: unknown): Date | undefined => {
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
};

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' })
    .end(JSON.stringify(body));
};

interface Connection {
  socket: WebSocket;
  /** Subscription id → channel. */
  subscriptions: Map<string, string>;
  keepAlive?: ReturnType<typeof setInterval>;
}

/**
 * A stand-in for AWS AppSync Events on the local server (docs/events.md §5), speaking the subset of
 * its protocols this project uses, so the pages and the publisher run the same code locally and on
 * AWS: the real-time WebSocket at {@link REALTIME_PATH} (subprotocol `aws-appsync-event-ws`, the
 * API key in the `header-<base64url JSON>` subprotocol and in each subscribe; `connection_init`,
 * `connection_ack`, `ka`, `subscribe`, `subscribe_success`, `subscribe_error`, `data`,
 * `unsubscribe`, and `publish`, refused for the API key) and the HTTP publish API at
 * {@link PUBLISH_PATH}, which takes SigV4-signed requests only. As the stack's namespace handler
 * does, it refuses any subscription but one order's channel: wildcards above all.
 */
export class LocalEventApi {
  readonly #o: Required<LocalEventApiOptions>;
  readonly #server: WebSocketServer;
  readonly #signer: SignatureV4;
  readonly #connections = new Set<Connection>();
  /** Channel → who listens on it. */
  readonly #listeners = new Map<string, Set<{ connection: Connection; id: string }>>();

  constructor(options: LocalEventApiOptions) {
    this.#o = { keepAliveMs: 60_000, connectionTimeoutMs: 300_000, ...options };
    this.#server = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has(EVENT_WS_PROTOCOL) ? EVENT_WS_PROTOCOL : false),
    });
    this.#signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
    });
  }

  /** Open WebSocket connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /** The server's `upgrade` listener: WebSocket connections to {@link REALTIME_PATH}, nothing else. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = URL.canParse(req.url ?? '', 'http://local')
      ? new URL(req.url ?? '', 'http://local').pathname
      : '';
    if (path !== REALTIME_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.#server.handleUpgrade(req, socket, head, (ws) => this.#connected(ws, req));
  }

  /** The mount of {@link PUBLISH_PATH}: `POST /event` publishes, signed with SigV4. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path !== '/') return json(res, 404, { errors: [badRequest('no such resource')] });
    if (req.method !== 'POST') return json(res, 405, { errors: [badRequest('publish is a POST')] });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_PUBLISH_BYTES) return json(res, 413, { errors: [badRequest('publish too large')] });
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    if (!req.headers.authorization) {
      // The namespace allows IAM publishers only: an API key, or nothing, is refused.
      return json(res, 401, { errors: [unauthorized('publishing requires IAM (SigV4) authorization')] });
    }
    if (!(await this.#signedByPublisher(req, body))) return json(res, 403, { errors: [unauthorized()] });
    let request: { channel?: unknown; events?: unknown };
    try {
      request = JSON.parse(body);
    } catch {
      return json(res, 400, { errors: [badRequest('the body is not JSON')] });
    }
    const { channel, events } = request;
    if (typeof channel !== 'string' || !appTransIdOfChannel(channel)) {
      return json(res, 400, { errors: [badRequest('publish to one order channel: /orders/<id>')] });
    }
    const valid =
      Array.isArray(events) &&
      events.length >= 1 &&
      events.length <= MAX_EVENTS_PER_PUBLISH &&
      events.every((e) => typeof e === 'string' && isJson(e));
    if (!valid) return json(res, 400, { errors: [badRequest('events: 1 to 5 JSON strings')] });
    for (const event of events as string[]) this.#broadcast(channel, event);
    json(res, 200, {
      failed: [],
      successful: (events as string[]).map((_, index) => ({ identifier: crypto.randomUUID(), index })),
    });
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    for (const connection of this.#connections) this.#drop(connection);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #signedByPublisher(req: IncomingMessage, body: string): Promise<boolean> {
    const authorization = String(req.headers.authorization);
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/appsync\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(
        authorization,
      );
    const signingDate = amzDate(req.headers['x-amz-date']);
    if (!m || m[1] !== this.#o.credentials.accessKeyId || m[2] !== this.#o.region || !signingDate)
      return false;
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) return false;
    const names = (m[3] ?? '').split(';');
    if (!names.includes('host')) return false;
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const expected = await this.#signer.sign(
      {
        method: req.method ?? 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        path: url.pathname,
        query: {},
        headers: {
          ...Object.fromEntries(names.map((name) => [name, String(req.headers[name] ?? '')])),
          // The signer trusts this header for the body's hash: it must be the hash of the body received.
          ...(names.includes('x-amz-content-sha256') && {
            'x-amz-content-sha256': createHash('sha256').update(body, 'utf8').digest('hex'),
          }),
        },
        body,
      },
      { signingDate },
    );
    return sameText(String(expected.headers.authorization), authorization);
  }

  #connected(socket: WebSocket, req: IncomingMessage): void {
    const connection: Connection = { socket, subscriptions: new Map() };
    this.#connections.add(connection);
    socket.on('close', () => this.#drop(connection));
    socket.on('error', () => this.#drop(connection));
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const header = offered.find((p) => p.startsWith('header-'));
    if (!offered.includes(EVENT_WS_PROTOCOL) || !this.#authorized(decodeHeader(header))) {
      this.#send(connection, { type: 'connection_error', errors: [unauthorized()] });
      socket.close(1008, 'Unauthorized');
      return;
    }
    socket.on('message', (data) => this.#message(connection, String(data)));
  }

  #message(connection: Connection, text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text);
    } catch {
      this.#send(connection, { type: 'error', errors: [badRequest('messages are JSON')] });
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case 'connection_init':
        this.#send(connection, { type: 'connection_ack', connectionTimeoutMs: this.#o.connectionTimeoutMs });
        clearInterval(connection.keepAlive);
        connection.keepAlive = setInterval(() => this.#send(connection, { type: 'ka' }), this.#o.keepAliveMs);
        connection.keepAlive.unref();
        return;
      case 'subscribe':
        this.#subscribe(connection, id, message.channel, message.authorization);
        return;
      case 'unsubscribe':
        if (id && connection.subscriptions.has(id)) {
          this.#unlisten(connection, id);
          this.#send(connection, { type: 'unsubscribe_success', id });
        } else {
          this.#send(connection, {
            type: 'unsubscribe_error',
            id,
            errors: [badRequest('no such subscription')],
          });
        }
        return;
      case 'publish':
        // Publishing is IAM only; a WebSocket client has the API key.
        this.#send(connection, { type: 'publish_error', id, errors: [unauthorized()] });
        return;
      default:
        this.#send(connection, { type: 'error', id, errors: [badRequest(`unknown message type`)] });
    }
  }

  #subscribe(connection: Connection, id: string | undefined, channel: unknown, authorization: unknown): void {
    const refusal = this.#refusal(connection, id, channel, authorization);
    if (refusal || !id || typeof channel !== 'string') {
      this.#send(connection, { type: 'subscribe_error', id, errors: [refusal] });
      return;
    }
    connection.subscriptions.set(id, channel);
    const listeners = this.#listeners.get(channel) ?? new Set();
    listeners.add({ connection, id });
    this.#listeners.set(channel, listeners);
    this.#send(connection, { type: 'subscribe_success', id });
  }

  /** Why a subscription is refused, if it is. */
  #refusal(
    connection: Connection,
    id: string | undefined,
    channel: unknown,
    authorization: unknown,
  ): AppSyncError | undefined {
    if (!id || id.length > 128) return badRequest('a subscription needs an id');
    if (connection.subscriptions.has(id)) return badRequest('this subscription id is in use');
    if (!this.#authorized(authorization)) return unauthorized();
    if (typeof channel !== 'string' || !channel.startsWith(`/${PUSH_NAMESPACE}/`)) {
      return badRequest('no such channel namespace');
    }
    // The namespace's subscribe handler: one order's channel only, never a wildcard.
    if (!appTransIdOfChannel(channel)) return unauthorized('subscribe to one order channel, no wildcard');
    return undefined;
  }

  #authorized(authorization: unknown): boolean {
    const a = authorization as Record<string, unknown> | null | undefined;
    return (
      typeof a?.['x-api-key'] === 'string' &&
      sameText(a['x-api-key'], this.#o.apiKey) &&
      a.host === this.#o.host
    );
  }

  #broadcast(channel: string, event: string): void {
    for (const { connection, id } of this.#listeners.get(channel) ?? []) {
      this.#send(connection, { type: 'data', id, event });
    }
  }

  #unlisten(connection: Connection, id: string): void {
    const channel = connection.subscriptions.get(id);
    connection.subscriptions.delete(id);
    if (!channel) return;
    const listeners = this.#listeners.get(channel);
    for (const listener of listeners ?? []) {
      if (listener.connection === connection && listener.id === id) listeners?.delete(listener);
    }
    if (listeners?.size === 0) this.#listeners.delete(channel);
  }

  #drop(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    clearInterval(connection.keepAlive);
    for (const id of [...connection.subscriptions.keys()]) this.#unlisten(connection, id);
    connection.socket.terminate();
  }

  #send(connection: Connection, message: Record<string, unknown>): void {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
  }
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The authorization a `header-<base64url JSON>` subprotocol carries, or undefined. */
const decodeHeader = (protocol: string | undefined): unknown => {
  if (!protocol) return undefined;
  try {
    return JSON.parse(Buffer.from(protocol.slice('header-'.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};
