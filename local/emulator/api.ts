import * as z from 'zod/mini';
import { vietQrPayload } from './emvco';
import { acceptedDates, isCalendarDate, newTransToken } from './ids';
import { createMac, macMatches, queryMac, queryRefundMac, refundMac } from './mac';
import type { RequestParams } from './params';
import { type EmulatorStore, effectiveStatus, type OrderRecord, type RefundRecord } from './state';

/** An app registered with the emulator, as ZaloPay's merchant portal would issue it. */
export interface EmulatorApp {
  appId: number;
  key1: string;
  key2: string;
  /**
   * The callback URL registered for the app in ZaloPay's merchant portal: where the callback of an
   * order created without `callback_url` goes. Without one, such an order gets no callback.
   */
  callbackUrl?: string;
  /** The app's name in the merchant portal, shown to the buyer on the payment page; else `app_user`. */
  name?: string;
}

/** The four v2 OpenAPI operations, named by their path. */
export type ApiOperation = 'create' | 'query' | 'refund' | 'query_refund';

/** A v2 JSON answer: the common envelope plus operation-specific fields. */
export interface ApiAnswer {
  return_code: number;
  return_message: string;
  sub_return_code: number;
  sub_return_message: string;
  [field: string]: unknown;
}

/** What the operations need from the emulator. */
export interface ApiContext {
  readonly store: EmulatorStore;
  readonly apps: ReadonlyMap<number, EmulatorApp>;
  /** Where the emulator is mounted, for `order_url`. */
  readonly baseUrl: string;
  now(): number;
  /**
   * Issues the refund's `refund_id` and stores it: processing, with its processing delay started,
   * or done at once when the test planned an immediate refund.
   */
  startRefund(refund: Omit<RefundRecord, 'refundId' | 'status' | 'outcome'>): RefundRecord;
}

const SUCCESS = 'Giao dịch thành công';
const FAILED = 'Giao dịch thất bại';
const PROCESSING = 'Giao dịch đang được xử lý';
// docs/zalopay-protocol.md §3.1 and §9: app_time and refund timestamps must be within 15 minutes.
const FRESHNESS_MS = 15 * 60_000;
const DEFAULT_EXPIRE_SECONDS = 900;

/** Sub codes the emulator answers with, and their messages. */
const SUB = {
  refundExpired: [-13, 'Yêu cầu hoàn tiền đã hết hạn (timestamp quá 15 phút)'],
  refundAmount: [-14, 'Số tiền hoàn không hợp lệ'],
  duplicateRefund: [-23, 'm_refund_id đã được sử dụng'],
  refundIdFormat: [-24, 'm_refund_id sai định dạng yymmdd_appid_xxx'],
  refundIdDate: [-25, 'm_refund_id không bắt đầu bằng ngày hiện tại (GMT+7)'],
  refundIdApp: [-26, 'm_refund_id không chứa app_id của ứng dụng'],
  refundFailed: [0, 'Hoàn tiền thất bại'],
  refundNotSupported: [-32, 'Giao dịch không hỗ trợ hoàn tiền'],
  expired: [-54, 'Giao dịch đã hết hạn'],
  duplicateOrder: [-68, 'app_trans_id đã được sử dụng'],
  badAppTransId: [-92, 'app_trans_id không hợp lệ'],
  notFound: [-101, 'Giao dịch không tồn tại'],
  bankError: [-217, 'Ngân hàng từ chối giao dịch'],
  cancelled: [-329, 'Người dùng đã hủy giao dịch'],
  illegalData: [-401, 'Dữ liệu yêu cầu không hợp lệ'],
  notAccepted: [-405, 'Phương thức hoặc kiểu dữ liệu không được hỗ trợ'],
  illegalApp: [-402, 'app_id không hợp lệ'],
  badMac: [-402, 'Chữ ký (mac) không hợp lệ'],
} as const satisfies Record<string, readonly [number, string]>;

/** `return_code` 2 with a sub code; `detail` is appended to the message. */
const failure = (sub: readonly [number, string], detail?: string): ApiAnswer => ({
  return_code: 2,
  return_message: FAILED,
  sub_return_code: sub[0],
  sub_return_message: detail ? `${sub[1]}: ${detail}` : sub[1],
});

/** `return_code` 1: done. */
const SUCCEEDED: ApiAnswer = {
  return_code: 1,
  return_message: SUCCESS,
  sub_return_code: 1,
  sub_return_message: SUCCESS,
};

/** `return_code` 3 with sub code 2: accepted, still being processed. */
const IN_PROGRESS: ApiAnswer = {
  return_code: 3,
  return_message: PROCESSING,
  sub_return_code: 2,
  sub_return_message: PROCESSING,
};

/** Why the parameters of a call could not be read at all. */
export type UnreadableRequest = 'malformed-body' | 'body-too-large' | 'unsupported-media-type' | 'not-post';

/** The answer to a call whose parameters could not be read: -405 for a method or media type ZaloPay does not take, else -401. */
export const unreadableRequest = (problem: UnreadableRequest): ApiAnswer =>
  problem === 'unsupported-media-type' || problem === 'not-post'
    ? failure(SUB.notAccepted, problem === 'not-post' ? 'use POST' : 'send form-urlencoded or JSON')
    : failure(SUB.illegalData, problem === 'body-too-large' ? 'request body too large' : 'unreadable body');

const illegal = (error: z.core.$ZodError): ApiAnswer =>
  failure(SUB.illegalData, [...new Set(error.issues.map((i) => i.path.join('.')))].join(', '));

const INTEGER = /^-?(0|[1-9]\d*)$/;
/** Plain decimal text of a safe integer in [min, max]; kept as text because it is signed as received. */
const integer = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
  z.string().check(
    z.regex(INTEGER),
    z.refine((s) => {
      const n = Number(s);
      return Number.isSafeInteger(n) && n >= min && n <= max;
    }),
  );
const jsonText = (max: number, accept: (value: unknown) => boolean) =>
  z.string().check(
    z.maxLength(max),
    z.refine((s) => {
      try {
        return accept(JSON.parse(s));
      } catch {
        return false;
      }
    }),
  );
const httpUrl = z.string().check(z.refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol)));
const appId = integer(1);
const mac = z.string().check(z.minLength(1));

/** `yymmdd` (a real date) then URL-safe characters, at most 40 in all. */
const isAppTransId = (id: string): boolean =>
  id.length <= 40 && /^\d{6}[0-9A-Za-z_.-]*$/.test(id) && isCalendarDate(id.slice(0, 6));

const createSchema = z.object({
  app_id: appId,
  app_user: z.string().check(z.minLength(1), z.maxLength(50)),
  app_trans_id: z.string().check(z.refine(isAppTransId)),
  app_time: integer(0),
  amount: integer(1),
  description: z.string().check(z.maxLength(256)),
  item: jsonText(2048, Array.isArray),
  embed_data: jsonText(2048, (v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
  bank_code: z.optional(z.string().check(z.maxLength(20))),
  expire_duration_seconds: z.optional(integer(300, 2_592_000)),
  // An empty value counts as absent, as the SDK sends one it was not given.
  callback_url: z.optional(z.union([z.literal(''), httpUrl])),
  mac,
});

/** `/v2/create` (docs/zalopay-protocol.md §3). */
const createOrder = (ctx: ApiContext, params: RequestParams): ApiAnswer => {
  const parsed = createSchema.safeParse(params);
  if (!parsed.success) return illegal(parsed.error);
  const r = parsed.data;
  const app = ctx.apps.get(Number(r.app_id));
  if (!app) return failure(SUB.illegalApp);
  if (!macMatches(createMac(app.key1, r), r.mac)) return failure(SUB.badMac);
  const now = ctx.now();
  if (!acceptedDates(now).includes(r.app_trans_id.slice(0, 6))) {
    return failure(SUB.illegalData, 'app_trans_id must start with the current date in GMT+7 (yymmdd)');
  }
  if (Math.abs(Number(r.app_time) - now) > FRESHNESS_MS) {
    return failure(SUB.illegalData, 'app_time must be within 15 minutes of now (Unix ms)');
  }
  if (ctx.store.order(app.appId, r.app_trans_id)) return failure(SUB.duplicateOrder);

  const zpTransToken = newTransToken();
  const orderParam = Buffer.from(JSON.stringify({ zptranstoken: zpTransToken, appid: app.appId })).toString(
    'base64',
  );
  const order: OrderRecord = {
    appId: app.appId,
    appTransId: r.app_trans_id,
    appUser: r.app_user,
    appTime: Number(r.app_time),
    amount: Number(r.amount),
    description: r.description,
    item: r.item,
    embedData: r.embed_data,
    bankCode: r.bank_code ?? '',
    callbackUrl: r.callback_url || undefined,
    expireDurationSeconds: Number(r.expire_duration_seconds ?? DEFAULT_EXPIRE_SECONDS),
    zpTransToken,
    orderUrl: `${ctx.baseUrl}/openinapp?order=${encodeURIComponent(orderParam)}`,
    status: 'unpaid',
    zpTransId: undefined,
    serverTime: undefined,
  };
  ctx.store.addOrder(order);
  return {
    ...SUCCEEDED,
    zp_trans_token: zpTransToken,
    order_url: order.orderUrl,
    order_token: zpTransToken,
    qr_code: vietQrPayload({ appId: app.appId, amount: order.amount, reference: zpTransToken }),
  };
};

const querySchema = z.object({ app_id: appId, app_trans_id: z.string(), mac });

// ZaloPay's query answer carries these fields whatever the outcome.
const unpaidFields = (isProcessing: boolean) => ({
  is_processing: isProcessing,
  amount: 0,
  discount_amount: 0,
  zp_trans_id: 0,
});

/** `/v2/query` (docs/zalopay-protocol.md §5.1). */
const queryOrder = (ctx: ApiContext, params: RequestParams): ApiAnswer => {
  const parsed = querySchema.safeParse(params);
  if (!parsed.success) return illegal(parsed.error);
  const r = parsed.data;
  const app = ctx.apps.get(Number(r.app_id));
  if (!app) return failure(SUB.illegalApp);
  if (!macMatches(queryMac(app.key1, r.app_id, r.app_trans_id), r.mac)) return failure(SUB.badMac);
  if (!isAppTransId(r.app_trans_id)) return { ...failure(SUB.badAppTransId), ...unpaidFields(false) };
  const order = ctx.store.order(app.appId, r.app_trans_id);
  if (!order) return { ...failure(SUB.notFound), ...unpaidFields(false) };
  switch (effectiveStatus(order, ctx.now())) {
    case 'paid':
      return {
        ...SUCCEEDED,
        is_processing: false,
        amount: order.amount,
        discount_amount: 0,
        zp_trans_id: order.zpTransId,
        server_time: order.serverTime,
      };
    case 'unpaid':
      return {
        return_code: 3,
        return_message: 'Giao dịch chưa được thanh toán',
        sub_return_code: 3,
        sub_return_message: 'Đơn hàng đang chờ người dùng thanh toán',
        ...unpaidFields(false),
      };
    case 'processing':
      return { ...IN_PROGRESS, ...unpaidFields(true) };
    case 'expired':
      return { ...failure(SUB.expired), ...unpaidFields(false) };
    case 'cancelled':
      return { ...failure(SUB.cancelled), ...unpaidFields(false) };
    case 'failed':
      return { ...failure(SUB.bankError), ...unpaidFields(false) };
  }
};

const M_REFUND_ID = /^(\d{6})_(\d+)_[0-9A-Za-z_.-]+$/;

const refundSchema = z.object({
  app_id: appId,
  m_refund_id: z.string(),
  zp_trans_id: z.string().check(z.minLength(1)),
  amount: integer(),
  refund_fee_amount: z.optional(integer()),
  timestamp: integer(),
  description: z.string().check(z.maxLength(100)),
  mac,
});

/** `/v2/refund` (docs/zalopay-protocol.md §8.1): accepted refunds stay "processing" for a while. */
const refund = (ctx: ApiContext, params: RequestParams): ApiAnswer => {
  const parsed = refundSchema.safeParse(params);
  if (!parsed.success) return illegal(parsed.error);
  const r = parsed.data;
  const app = ctx.apps.get(Number(r.app_id));
  if (!app) return failure(SUB.illegalApp);
  if (!macMatches(refundMac(app.key1, r), r.mac)) return failure(SUB.badMac);
  const idParts = r.m_refund_id.length <= 45 ? M_REFUND_ID.exec(r.m_refund_id) : null;
  if (!idParts) return failure(SUB.refundIdFormat);
  const now = ctx.now();
  if (!acceptedDates(now).includes(idParts[1] ?? '')) return failure(SUB.refundIdDate);
  if (idParts[2] !== String(app.appId)) return failure(SUB.refundIdApp);
  if (Math.abs(Number(r.timestamp) - now) > FRESHNESS_MS) return failure(SUB.refundExpired);
  if (ctx.store.refund(app.appId, r.m_refund_id)) return failure(SUB.duplicateRefund);
  const order = ctx.store.orderByZpTransId(app.appId, r.zp_trans_id);
  if (!order) return failure(SUB.notFound, 'zp_trans_id');
  const amount = Number(r.amount);
  const fee = Number(r.refund_fee_amount ?? 0);
  const refundable = order.amount - ctx.store.refundedAmount(app.appId, r.zp_trans_id);
  if (amount < 1 || amount > refundable || fee < 0 || fee > amount) {
    return failure(SUB.refundAmount, `at most ${refundable} can be refunded`);
  }
  const started = ctx.startRefund({
    appId: app.appId,
    appTransId: order.appTransId,
    mRefundId: r.m_refund_id,
    zpTransId: r.zp_trans_id,
    amount,
    refundFeeAmount: fee,
    description: r.description,
  });
  const answer = started.status === 'done' ? SUCCEEDED : IN_PROGRESS;
  return { ...answer, refund_id: started.refundId };
};

/** The query_refund sub code of a refund that failed, and its message. */
const REFUND_FAILURES: Record<0 | -13 | -14 | -32, readonly [number, string]> = {
  0: SUB.refundFailed,
  [-13]: SUB.refundExpired,
  [-14]: SUB.refundAmount,
  [-32]: SUB.refundNotSupported,
};

const queryRefundSchema = z.object({
  app_id: appId,
  m_refund_id: z.string().check(z.minLength(1)),
  timestamp: integer(),
  mac,
});

/** `/v2/query_refund` (docs/zalopay-protocol.md §8.2). */
const queryRefund = (ctx: ApiContext, params: RequestParams): ApiAnswer => {
  const parsed = queryRefundSchema.safeParse(params);
  if (!parsed.success) return illegal(parsed.error);
  const r = parsed.data;
  const app = ctx.apps.get(Number(r.app_id));
  if (!app) return failure(SUB.illegalApp);
  if (!macMatches(queryRefundMac(app.key1, r.app_id, r.m_refund_id, r.timestamp), r.mac)) {
    return failure(SUB.badMac);
  }
  const found = ctx.store.refund(app.appId, r.m_refund_id);
  if (!found) return failure(SUB.notFound, 'm_refund_id');
  switch (found.status) {
    case 'done':
      return { ...SUCCEEDED };
    case 'processing':
      return { ...IN_PROGRESS };
    case 'failed':
      return failure(REFUND_FAILURES[found.outcome.type === 'fail' ? found.outcome.subReturnCode : 0]);
  }
};

/** The handler of each operation. */
export const OPERATIONS: Readonly<
  Record<ApiOperation, (ctx: ApiContext, params: RequestParams) => ApiAnswer>
> = {
  create: createOrder,
  query: queryOrder,
  refund,
  query_refund: queryRefund,
};
