import WebSocket from 'ws';

/** A message the push endpoint sent, as parsed JSON. */
// biome-ignore lint/suspicious/noExplicitAny: tests read protocol messages field by field.
export type PushMessage = Record<string, any>;

/** What a client authorizes with: the HTTP domain and the API key (docs/events.md §5). */
export interface PushAuth {
  host: string;
  'x-api-key': string;
}

/** The `header-<base64url JSON>` subprotocol carrying the authorization, as AppSync Events expects it. */
export const headerProtocol = (auth: unknown): string =>
  `header-${Buffer.from(JSON.stringify(auth)).toString('base64url')}`;

/**
 * A WebSocket client of AppSync Events' protocol (the local endpoint or the real one): it keeps
 * every message, and resolves `next` with the next one of a type.
 */
export class PushClient {
  readonly messages: PushMessage[] = [];
  readonly socket: WebSocket;
  readonly #waiting: { type: string; id?: string; resolve: (m: PushMessage) => void }[] = [];
  /** Resolves with the close code once the socket is closed. */
  readonly closed: Promise<number>;

  constructor(url: string, protocols: string[]) {
    this.socket = new WebSocket(url, protocols);
    this.closed = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as PushMessage;
      this.messages.push(message);
      const index = this.#waiting.findIndex((w) => w.type === message.type && (!w.id || w.id === message.id));
      if (index >= 0) this.#waiting.splice(index, 1)[0]?.resolve(message);
    });
  }

  /** Opens a connection authorized with `auth` and waits for `connection_ack`. */
  static async connect(url: string, auth: unknown): Promise<PushClient> {
    const client = new PushClient(url, ['aws-appsync-event-ws', headerProtocol(auth)]);
    await client.opened();
    const ack = client.next('connection_ack');
    client.send({ type: 'connection_init' });
    await ack;
    return client;
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState === WebSocket.OPEN) return resolve();
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message of `type` (for `id`, when given) to arrive from now on. */
  next(type: string, id?: string): Promise<PushMessage> {
    return new Promise((resolve) => this.#waiting.push({ type, ...(id && { id }), resolve }));
  }

  /** Subscribes `id` to `channel` with `auth`; resolves with the answer (`subscribe_success` or `subscribe_error`). */
  async subscribe(id: string, channel: string, auth: unknown): Promise<PushMessage> {
    const answer = Promise.race([this.next('subscribe_success', id), this.next('subscribe_error', id)]);
    this.send({ type: 'subscribe', id, channel, authorization: auth });
    return answer;
  }

  /** The events pushed to subscription `id`, parsed. */
  events(id: string): PushMessage[] {
    return this.messages.filter((m) => m.type === 'data' && m.id === id).map((m) => JSON.parse(m.event));
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}
