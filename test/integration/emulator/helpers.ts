import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmulatorServer,
  startEmulatorServer,
  type ZaloPayEmulatorOptions,
} from '../../../local/emulator';
import { SANDBOX } from '../../support/sandbox';

// ZaloPay's public sandbox app 2553 (docs/zalopay-protocol.md §2), the app of the §11 vectors.
export const APP = SANDBOX;
export const { appId: APP_ID, key1: KEY1, key2: KEY2 } = APP;
/** 2024-01-01 07:00 in Vietnam: the date of the §11 vectors, and their `app_time`. */
export const VECTOR_TIME = Date.parse('2024-01-01T00:00:00Z');

export const hmac = (key: string, ...fields: Array<string | number>): string =>
  createHmac('sha256', key).update(fields.join('|'), 'utf8').digest('hex');

/** A clock the test moves by hand. */
export const manualClock = (startMs = VECTOR_TIME) => {
  let now = startMs;
  return {
    clock: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
};

export const startEmulator = (
  options: Partial<Omit<ZaloPayEmulatorOptions, 'baseUrl'>> = {},
): Promise<EmulatorServer> =>
  startEmulatorServer({
    apps: [APP],
    callbackRetryDelayMs: 5,
    callbackTimeoutMs: 2000,
    refundDelayMs: 60_000,
    ...options,
  });

export type Fields = Record<string, string | number>;

export interface ApiResponse {
  status: number;
  json: Record<string, unknown>;
}

const answer = async (response: Response): Promise<ApiResponse> => ({
  status: response.status,
  json: (await response.json()) as Record<string, unknown>,
});

const asStrings = (fields: Fields) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));

/** POSTs `fields` as application/x-www-form-urlencoded, the way our client does. */
export const postForm = async (url: string, fields: Fields): Promise<ApiResponse> =>
  answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(asStrings(fields)).toString(),
    }),
  );

/** POSTs `fields` as a JSON object, the way ZaloPay's Node SDK does. */
export const postJson = async (url: string, fields: Fields): Promise<ApiResponse> =>
  answer(
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    }),
  );

/** POSTs with the fields in the URL query string and an empty body, as ZaloPay's own samples do. */
export const postQuery = async (url: string, fields: Fields): Promise<ApiResponse> =>
  answer(await fetch(`${url}?${new URLSearchParams(asStrings(fields))}`, { method: 'POST' }));

/** Create-order fields of §11 TV5 (signed with the published MAC), for app 2553. */
export const TV5_CREATE: Fields = {
  app_id: APP_ID,
  app_trans_id: '240101_123456',
  app_user: 'user123',
  amount: 50000,
  app_time: VECTOR_TIME,
  embed_data: '{}',
  item: '[]',
  description: 'Order 240101_123456',
  mac: '25582ddf00033e1723a7a4d7daa2f6c7a7a93174489b9c470cfd45dd30377254',
};

/** Create-order fields for `appTransId` at `appTime`, signed with key1 over `overrides` too. */
export const createFields = (appTransId: string, appTime: number, overrides: Fields = {}): Fields => {
  const f: Fields = {
    app_id: APP_ID,
    app_trans_id: appTransId,
    app_user: 'user123',
    amount: 50000,
    app_time: appTime,
    embed_data: '{}',
    item: '[]',
    description: `Order ${appTransId}`,
    ...overrides,
  };
  return {
    ...f,
    mac: hmac(KEY1, f.app_id!, f.app_trans_id!, f.app_user!, f.amount!, f.app_time!, f.embed_data!, f.item!),
  };
};

export const queryFields = (appTransId: string): Fields => ({
  app_id: APP_ID,
  app_trans_id: appTransId,
  mac: hmac(KEY1, APP_ID, appTransId, KEY1),
});

export interface RefundInput {
  mRefundId: string;
  zpTransId: string;
  amount: number;
  timestamp: number;
  description?: string;
  refundFeeAmount?: number;
}

export const refundFields = (r: RefundInput): Fields => {
  const description = r.description ?? 'Refund';
  const signed =
    r.refundFeeAmount === undefined
      ? [APP_ID, r.zpTransId, r.amount, description, r.timestamp]
      : [APP_ID, r.zpTransId, r.amount, r.refundFeeAmount, description, r.timestamp];
  return {
    app_id: APP_ID,
    m_refund_id: r.mRefundId,
    zp_trans_id: r.zpTransId,
    amount: r.amount,
    ...(r.refundFeeAmount === undefined ? {} : { refund_fee_amount: r.refundFeeAmount }),
    timestamp: r.timestamp,
    description,
    mac: hmac(KEY1, ...signed),
  };
};

export const queryRefundFields = (mRefundId: string, timestamp: number): Fields => ({
  app_id: APP_ID,
  m_refund_id: mRefundId,
  timestamp,
  mac: hmac(KEY1, APP_ID, mRefundId, timestamp),
});

/** How the test merchant answers one callback attempt. */
export type Reply = { status?: number; body: string } | 'drop' | 'hang';

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A merchant callback endpoint on loopback: answers attempts with `replies` in turn (the last one
 * repeats) and records what it received.
 */
export const startReceiver = async (replies: Reply[]) => {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = replies[Math.min(received.length, replies.length - 1)] ?? 'drop';
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (reply === 'drop') req.socket.destroy();
      else if (reply !== 'hang') {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(reply.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zalopay/callback`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export const returnCode = (code: number): Reply => ({
  body: JSON.stringify({ return_code: code, return_message: 'x' }),
});
