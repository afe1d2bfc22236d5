import * as z from 'zod/mini';
import { isRequestLevelCode, type ZaloPayOperation } from '../../core/zalopay/codes';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../../core/zalopay/errors';
import { parseZaloPayJson } from '../../core/zalopay/json';
import { createOrderMac, nfc, queryOrderMac, queryRefundMac, refundMac } from '../../core/zalopay/mac';
import type {
  CreateOrderRequest,
  CreateOrderResult,
  CredentialsProvider,
  QueryOrderResult,
  QueryRefundResult,
  RefundRequest,
  RefundResult,
  ZaloPayGateway,
} from '../../core/zalopay/types';

export interface ZaloPayClientOptions {
  /** `https://sb-openapi.zalopay.vn`, `https://openapi.zalopay.vn`, or the emulator. */
  baseUrl: string;
  credentials: CredentialsProvider;
  /** Per call, connection and body included. */
  timeoutMs: number;
  /** Injectable for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
}

const int = z.int();
const text = z._default(z.string(), '');
const optional = <T extends z.ZodMiniType>(schema: T) => z.optional(schema);
const envelope = z.object({
  return_code: int,
  return_message: text,
  sub_return_code: optional(int),
  sub_return_message: text,
});
const createAnswer = z.extend(envelope, {
  order_url: optional(z.string()),
  zp_trans_token: optional(z.string()),
  order_token: optional(z.string()),
  qr_code: optional(z.string()),
});
const queryAnswer = z.extend(envelope, {
  is_processing: z._default(z.boolean(), false),
  amount: optional(int),
  zp_trans_id: optional(z.string()),
  server_time: optional(int),
  discount_amount: optional(int),
});
const refundAnswer = z.extend(envelope, { refund_id: optional(z.string()) });

type Envelope = z.infer<typeof envelope>;

/**
 * ZaloPay v2 OpenAPI over HTTP: form-urlencoded UTF-8 requests signed with key1, JSON answers.
 * Nothing is retried here: whether a retry is safe is the caller's decision (a blind retry of
 * create risks -68 or a second order).
 */
export class ZaloPayClient implements ZaloPayGateway {
  readonly #baseUrl: string;
  readonly #credentials: CredentialsProvider;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: ZaloPayClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#credentials = options.credentials;
    this.#timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  async createOrder(request: CreateOrderRequest): Promise<CreateOrderResult> {
    const { appId, key1 } = await this.#credentials();
    // Serialised once: the very strings that are signed are the ones sent (pitfall §12.1).
    const embedData = nfc(JSON.stringify(request.embedData));
    const item = nfc(JSON.stringify(request.items));
    const appUser = nfc(request.appUser);
    const form: Record<string, string | number | undefined> = {
      app_id: appId,
      app_trans_id: request.appTransId,
      app_user: appUser,
      app_time: request.appTime,
      amount: request.amount,
      expire_duration_seconds: request.expireDurationSeconds,
      description: nfc(request.description),
      item,
      embed_data: embedData,
      bank_code: request.bankCode,
      callback_url: request.callbackUrl,
      mac: createOrderMac(key1, {
        appId,
        appTransId: request.appTransId,
        appUser,
        amount: request.amount,
        appTime: request.appTime,
        embedData,
        item,
      }),
    };
    const answer = await this.#post('create', form, createAnswer);
    if (answer.return_code !== 1) throw rejected('create', answer);
    if (!answer.order_url || !answer.zp_trans_token) {
      throw new ZaloPayUnavailableError(
        'create',
        'bad-response',
        'ZaloPay create answered 1 without order_url',
      );
    }
    return {
      orderUrl: answer.order_url,
      zpTransToken: answer.zp_trans_token,
      orderToken: answer.order_token,
      qrCode: answer.qr_code || undefined,
    };
  }

  async queryOrder(appTransId: string): Promise<QueryOrderResult> {
    const { appId, key1 } = await this.#credentials();
    const answer = await this.#post(
      'query',
      { app_id: appId, app_trans_id: appTransId, mac: queryOrderMac(key1, appId, appTransId) },
      queryAnswer,
    );
    const returnCode = settled('query', answer);
    return {
      returnCode,
      returnMessage: answer.return_message,
      subReturnCode: answer.sub_return_code,
      subReturnMessage: answer.sub_return_message,
      isProcessing: answer.is_processing,
      amount: answer.amount,
      zpTransId: answer.zp_trans_id && answer.zp_trans_id !== '0' ? answer.zp_trans_id : undefined,
      serverTime: answer.server_time,
      discountAmount: answer.discount_amount,
    };
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const { appId, key1 } = await this.#credentials();
    const timestamp = this.#now();
    const description = nfc(request.description);
    const answer = await this.#post(
      'refund',
      {
        app_id: appId,
        m_refund_id: request.mRefundId,
        zp_trans_id: request.zpTransId,
        amount: request.amount,
        refund_fee_amount: request.refundFeeAmount,
        timestamp,
        description,
        mac: refundMac(key1, { ...request, appId, description, timestamp }),
      },
      refundAnswer,
    );
    return {
      returnCode: settled('refund', answer),
      returnMessage: answer.return_message,
      subReturnCode: answer.sub_return_code,
      subReturnMessage: answer.sub_return_message,
      refundId: answer.refund_id,
    };
  }

  async queryRefund(mRefundId: string): Promise<QueryRefundResult> {
    const { appId, key1 } = await this.#credentials();
    const timestamp = this.#now();
    const answer = await this.#post(
      'query_refund',
      {
        app_id: appId,
        m_refund_id: mRefundId,
        timestamp,
        mac: queryRefundMac(key1, appId, mRefundId, timestamp),
      },
      envelope,
    );
    return {
      returnCode: settled('query_refund', answer),
      returnMessage: answer.return_message,
      subReturnCode: answer.sub_return_code,
      subReturnMessage: answer.sub_return_message,
    };
  }

  async #post<T>(
    operation: ZaloPayOperation,
    fields: Record<string, string | number | undefined>,
    schema: z.ZodMiniType<T>,
  ): Promise<T> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined) body.set(name, String(value));
    }
    const url = `${this.#baseUrl}/v2/${operation}`;
    let status: number;
    let raw: string;
    try {
      const response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        body: body.toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.status;
      raw = await response.text();
    } catch (cause) {
      // By name, not instanceof: fetch's DOMException may come from another realm.
      const name = (cause as { name?: unknown } | undefined)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new ZaloPayUnavailableError(
        operation,
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `ZaloPay ${operation} timed out after ${this.#timeoutMs} ms`
          : `ZaloPay ${operation} unreachable`,
        { cause },
      );
    }
    if (status < 200 || status > 299) {
      throw new ZaloPayUnavailableError(
        operation,
        'http-status',
        `ZaloPay ${operation} answered HTTP ${status}`,
      );
    }
    let json: unknown;
    try {
      json = parseZaloPayJson(raw);
    } catch (cause) {
      throw new ZaloPayUnavailableError(operation, 'bad-response', `ZaloPay ${operation} answered non-JSON`, {
        cause,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ZaloPayUnavailableError(
        operation,
        'bad-response',
        `ZaloPay ${operation} answered an unknown shape`,
      );
    }
    return parsed.data;
  }
}

const rejected = (operation: ZaloPayOperation, a: Envelope): ZaloPayRejectedError =>
  new ZaloPayRejectedError(
    operation,
    a.return_code,
    a.return_message,
    a.sub_return_code,
    a.sub_return_message,
  );

/**
 * 1, 2 and 3 are answers about the order or refund; anything else, and a 2 whose sub code is about
 * the request (bad MAC, rate limit…), is a refusal of the request.
 */
const settled = (operation: ZaloPayOperation, a: Envelope): 1 | 2 | 3 => {
  if (a.return_code === 2 && isRequestLevelCode(a.sub_return_code)) throw rejected(operation, a);
  if (a.return_code === 1 || a.return_code === 2 || a.return_code === 3) return a.return_code;
  throw rejected(operation, a);
};
