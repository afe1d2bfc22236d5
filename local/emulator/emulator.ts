import type { IncomingMessage, ServerResponse } from 'node:http';
import { NOSNIFF } from '../../shared/adapters/http/headers';
import { contentSecurityPolicy } from '../../shared/adapters/http/html';
import { inlineHashes } from '../../shared/adapters/http/inline-hashes';
import { TaskTracker } from '../tasks';
import {
  type ApiAnswer,
  type ApiContext,
  type ApiOperation,
  type EmulatorApp,
  OPERATIONS,
  unreadableRequest,
} from './api';
import { type CallbackAttempt, type CallbackMode, CallbackSender, CHANNEL, callbackBody } from './callbacks';
import { dailyId } from './ids';
import { type EmulatorLogger, silentLogger } from './logger';
import { type RedirectFields, redirectChecksum } from './mac';
import { BodyTooLargeError, readBody, requestParams } from './params';
import { itemsOf, type NoticeView, renderNoticePage, renderPayPage } from './pay-page';
import {
  EmulatorStore,
  effectiveStatus,
  expiresAt,
  type OrderRecord,
  type OrderStatus,
  type RefundOutcome,
  type RefundRecord,
} from './state';

export interface ZaloPayEmulatorOptions {
  /** The registered apps; requests from any other `app_id` get -402. */
  apps: readonly EmulatorApp[];
  /** The public URL the emulator is mounted at, e.g. `http://localhost:3000/emulator`; `order_url` starts with it. */
  baseUrl: string;
  /** The emulator's notion of now, for date prefixes, freshness windows and expiry. Default: system time. */
  clock?: () => Date;
  /** Pause between callback attempts. Default 1000 ms. */
  callbackRetryDelayMs?: number;
  /** How long one callback attempt waits for the merchant's answer. Default 5000 ms. */
  callbackTimeoutMs?: number;
  /** How long an accepted refund stays "processing". Default 2000 ms. */
  refundDelayMs?: number;
  logger?: EmulatorLogger;
}

/** A canned misbehaviour for the next call of one API operation. */
export type Fault =
  /** Handle the call normally (the order is created, …) but answer only after `ms`. */
  | { type: 'delay'; ms: number }
  /** HTTP 200 with an HTML body instead of JSON; the call is not handled. */
  | { type: 'garbage' }
  /** This HTTP status with a text body; the call is not handled. */
  | { type: 'http'; status: number }
  /** HTTP 200 JSON with these codes; the call is not handled. */
  | { type: 'code'; returnCode: number; subReturnCode: number }
  /** The socket is destroyed without an answer; the call is not handled. */
  | { type: 'drop' };

/** A copy of a refund's state at the time it was read. */
export type EmulatorRefund = Readonly<RefundRecord>;

/** Where an order stands, from the emulator's point of view. */
export type EmulatorOrderStatus = OrderStatus | 'expired';

/** A copy of an order's state at the time it was read. */
export interface EmulatorOrder extends Readonly<Omit<OrderRecord, 'status'>> {
  readonly status: EmulatorOrderStatus;
  /** Unix ms after which an unpaid order is expired. */
  readonly expiresAt: number;
  /** Refunded or being refunded. */
  readonly refundedAmount: number;
}

export interface PayOptions {
  /** `lost`: the order is paid but no callback is sent, so the merchant has to query. Default `deliver`. */
  callback?: CallbackMode;
}

/** A control was used on an order that is unknown or not in the state it needs. */
export class EmulatorStateError extends Error {
  override readonly name = 'EmulatorStateError';
  constructor(
    readonly appTransId: string,
    readonly state: EmulatorOrderStatus | 'unknown',
    action: string,
  ) {
    super(`cannot ${action} order ${appTransId}: it is ${state}`);
  }
}

const API_PATHS: ReadonlyMap<string, ApiOperation> = new Map([
  ['/v2/create', 'create'],
  ['/v2/query', 'query'],
  ['/v2/refund', 'refund'],
  ['/v2/query_refund', 'query_refund'],
]);
const MAX_BODY_BYTES = 64 * 1024;
const PAY_STATUS = { paid: 1, cancelled: -329 } as const;

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...NOSNIFF,
  });
  res.end(JSON.stringify(body));
};

const sendHtml = (res: ServerResponse, status: number, html: string): void => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    ...NOSNIFF,
    // The page's own inline script and style by hash: the emulator shares the API's origin, so
    // nothing else may run here. form-action must allow the 303 to the merchant's redirect URL.
    'content-security-policy': contentSecurityPolicy(inlineHashes(html), {
      'form-action': "'self' http: https:",
    }),
  });
  res.end(html);
};

type NotPayable = Exclude<EmulatorOrderStatus, 'unpaid'> | 'unknown';

const NOTICES: Record<NotPayable, { httpStatus: number; notice: NoticeView }> = {
  unknown: {
    httpStatus: 404,
    notice: {
      tone: 'error',
      title: { vi: 'Không tìm thấy đơn hàng', en: 'Order not found' },
      message: { vi: 'Liên kết thanh toán không hợp lệ.', en: 'This payment link is not valid.' },
    },
  },
  expired: {
    httpStatus: 410,
    notice: {
      tone: 'error',
      title: { vi: 'Đơn hàng đã hết hạn', en: 'Order expired' },
      message: {
        vi: 'Thời gian thanh toán đã kết thúc. Hãy tạo đơn hàng mới.',
        en: 'The time to pay is over. Please create a new order.',
      },
    },
  },
  paid: {
    httpStatus: 409,
    notice: {
      tone: 'error',
      title: { vi: 'Đơn hàng đã được thanh toán', en: 'Order already paid' },
      message: { vi: 'Đơn hàng này không thể thanh toán lần nữa.', en: 'This order cannot be paid twice.' },
    },
  },
  cancelled: {
    httpStatus: 409,
    notice: {
      tone: 'error',
      title: { vi: 'Đơn hàng đã bị hủy', en: 'Order cancelled' },
      message: { vi: 'Người dùng đã hủy giao dịch này.', en: 'The buyer cancelled this transaction.' },
    },
  },
  processing: {
    httpStatus: 409,
    notice: {
      tone: 'error',
      title: { vi: 'Giao dịch đang xử lý', en: 'Payment in progress' },
      message: { vi: 'Vui lòng chờ kết quả.', en: 'Please wait for the result.' },
    },
  },
  failed: {
    httpStatus: 409,
    notice: {
      tone: 'error',
      title: { vi: 'Giao dịch thất bại', en: 'Payment failed' },
      message: { vi: 'Đơn hàng này không thể thanh toán.', en: 'This order can no longer be paid.' },
    },
  },
};

/**
 * The tester's switch on the payment page: the callback delivered, the callback lost (the
 * browser's redirect still brings the buyer back, and its query settles the order), or the buyer
 * closing the app right after paying (no callback and no redirect: only the status check can tell).
 */
export type TesterChoice = 'deliver' | 'lost' | 'closed';

const testerChoice = (value: string | null): TesterChoice =>
  value === 'lost' || value === 'closed' ? value : 'deliver';

const APP_CLOSED: NoticeView = {
  tone: 'success',
  title: { vi: 'Đã thanh toán, ứng dụng đã đóng', en: 'Paid, app closed' },
  message: {
    vi: 'Không có callback và không chuyển hướng về cửa hàng: chỉ lần kiểm tra trạng thái mới biết đơn đã được thanh toán.',
    en: 'No callback and no redirect to the shop: only the status check can learn that the order was paid.',
  },
};

const BAD_FORM: NoticeView = {
  tone: 'error',
  title: { vi: 'Yêu cầu không hợp lệ', en: 'Invalid request' },
  message: { vi: 'Hãy chọn Thanh toán hoặc Hủy.', en: 'Choose Pay or Cancel.' },
};

/** The merchant's `embed_data.redirecturl`, when it is an http(s) URL. */
const redirectUrlOf = (order: OrderRecord): URL | undefined => {
  try {
    const target = (JSON.parse(order.embedData) as { redirecturl?: unknown }).redirecturl;
    if (typeof target !== 'string' || !URL.canParse(target)) return undefined;
    const url = new URL(target);
    return /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
};

/**
 * ZaloPay's v2 OpenAPI and payment gateway, offline: `/v2/create`, `/v2/query`, `/v2/refund`,
 * `/v2/query_refund`, the `order_url` payment page and the merchant callback, as specified by
 * docs/zalopay-protocol.md, with controls for tests. All state is in the instance.
 */
export class ZaloPayEmulator {
  readonly #apps: ReadonlyMap<number, EmulatorApp>;
  readonly #clock: () => Date;
  readonly #refundDelayMs: number;
  readonly #logger: EmulatorLogger;
  readonly #store = new EmulatorStore();
  readonly #tasks = new TaskTracker();
  readonly #callbacks: CallbackSender;
  readonly #faults: Record<ApiOperation, Fault[]> = { create: [], query: [], refund: [], query_refund: [] };
  readonly #context: ApiContext;
  /** The 9-digit sequence numbers after the `yymmdd` date of `zp_trans_id` and `refund_id`. */
  #zpTransSequence = 1;
  #refundSequence = 1;
  /** How the next accepted refunds end, in order; then `succeed`. */
  readonly #refundPlans: RefundOutcome[] = [];

  constructor(options: ZaloPayEmulatorOptions) {
    this.#apps = new Map(options.apps.map((app) => [app.appId, app]));
    this.#clock = options.clock ?? (() => new Date());
    this.#refundDelayMs = options.refundDelayMs ?? 2000;
    this.#logger = options.logger ?? silentLogger;
    this.#callbacks = new CallbackSender({
      tasks: this.#tasks,
      retryDelayMs: options.callbackRetryDelayMs ?? 1000,
      timeoutMs: options.callbackTimeoutMs ?? 5000,
      logger: this.#logger,
    });
    this.#context = {
      store: this.#store,
      apps: this.#apps,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      now: () => this.#now(),
      startRefund: (refund) => {
        const outcome = this.#refundPlans.shift() ?? { type: 'succeed' };
        const record: RefundRecord = {
          ...refund,
          refundId: dailyId(this.#now(), this.#refundSequence++),
          status: outcome.type === 'immediate' ? 'done' : 'processing',
          outcome,
        };
        this.#store.addRefund(record);
        if (outcome.type === 'succeed' || outcome.type === 'fail') {
          this.#tasks.track(
            this.#tasks.sleep(this.#refundDelayMs).then((elapsed) => {
              if (elapsed) this.#endRefund(record, outcome.type === 'succeed' ? 'done' : 'failed');
            }),
          );
        }
        return record;
      },
    };
  }

  /** Every callback attempt so far, oldest first. */
  get callbackLog(): readonly CallbackAttempt[] {
    return this.#callbacks.log;
  }

  /** The order with this `app_trans_id` (the latest created, should several apps use it), or undefined. */
  order(appTransId: string): EmulatorOrder | undefined {
    const record = this.#store.latestWithId(appTransId);
    return record && this.#snapshot(record);
  }

  /** Every order created so far, oldest first (copies): what a merchant portal would list. */
  orders(): EmulatorOrder[] {
    return this.#store.all().map((record) => this.#snapshot(record));
  }

  /**
   * Serves one request. `path` is relative to the mount point, with or without the query string
   * (without, the query string of `req.url` is used). Reads the body itself; never rejects.
   */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      const query = path.includes('?') ? '' : `?${(req.url ?? '').split('?')[1] ?? ''}`;
      const url = new URL(`${path}${query}`, 'http://emulator.invalid');
      const route = url.pathname.replace(/\/+$/, '');
      const operation = API_PATHS.get(route);
      if (operation) await this.#api(operation, req, res, url);
      else if (route === '/openinapp' && req.method === 'GET') this.#openInApp(res, url);
      else if (route === '/openinapp/pay' && req.method === 'POST') await this.#payForm(req, res);
      else this.#notPayable(res, 'unknown');
    } catch (error) {
      this.#logger.error('emulator request failed', {
        error: error instanceof Error ? error.message : 'unknown',
      });
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { return_code: -500, return_message: 'emulator error' });
    }
  }

  /** Pays an unpaid order; resolves after the first callback attempt (retries continue in the background). */
  async pay(appTransId: string, options: PayOptions = {}): Promise<EmulatorOrder> {
    const order = this.#find(appTransId, 'pay');
    this.#require(order, 'unpaid', 'pay');
    return this.#settlePaid(order, options.callback ?? 'deliver');
  }

  /** The buyer cancels an unpaid order: query answers 2/-329 from now on. */
  cancel(appTransId: string): EmulatorOrder {
    const order = this.#find(appTransId, 'cancel');
    this.#require(order, 'unpaid', 'cancel');
    return this.#cancel(order);
  }

  /** The payment starts but has no outcome yet: query answers 3 with `is_processing: true`. */
  startProcessing(appTransId: string): EmulatorOrder {
    const order = this.#find(appTransId, 'start processing');
    this.#require(order, 'unpaid', 'start processing');
    order.status = 'processing';
    return this.#snapshot(order);
  }

  /** Ends a processing payment: `paid` as `pay()` does (callback included), `failed` makes query answer 2/-217. */
  async finishProcessing(
    appTransId: string,
    outcome: 'paid' | 'failed',
    options: PayOptions = {},
  ): Promise<EmulatorOrder> {
    const order = this.#find(appTransId, 'finish processing');
    this.#require(order, 'processing', 'finish processing');
    if (outcome === 'paid') return this.#settlePaid(order, options.callback ?? 'deliver');
    order.status = 'failed';
    return this.#snapshot(order);
  }

  /**
   * Test control, not a ZaloPay behaviour: rewrites what ZaloPay recorded of an order, as books
   * that disagree with the merchant's would look (reconciliation's tests). `amount` is what the
   * query then answers as collected; `status` `failed` makes a paid order answer 2/-217.
   */
  overwrite(appTransId: string, changes: { amount?: number; status?: 'failed' }): EmulatorOrder {
    const order = this.#find(appTransId, 'overwrite');
    if (changes.amount !== undefined) order.amount = changes.amount;
    if (changes.status) order.status = changes.status;
    return this.#snapshot(order);
  }

  /**
   * How the next accepted refund ends (docs/zalopay-protocol.md §8): several plans apply to
   * successive refunds in order; without one a refund succeeds after the processing delay.
   */
  planRefund(outcome: RefundOutcome): void {
    this.#refundPlans.push(outcome);
  }

  /** Ends a processing refund (one planned `hold`, say) now; failed ends it with sub code 0. */
  finishRefund(mRefundId: string, status: 'done' | 'failed'): EmulatorRefund {
    const record = [...this.#apps.keys()]
      .map((appId) => this.#store.refund(appId, mRefundId))
      .find((r) => r !== undefined);
    if (record?.status !== 'processing') {
      throw new Error(`cannot finish refund ${mRefundId}: it is ${record?.status ?? 'unknown'}`);
    }
    if (status === 'failed' && record.outcome.type !== 'fail')
      record.outcome = { type: 'fail', subReturnCode: 0 };
    this.#endRefund(record, status);
    return { ...record };
  }

  /** The refunds made for the order with this `app_trans_id`, oldest first (copies). */
  refunds(appTransId: string): EmulatorRefund[] {
    return this.#store.refundsOf(appTransId).map((r) => ({ ...r }));
  }

  /** Makes the next call of `operation` misbehave; several faults apply to successive calls in order. */
  injectFault(operation: ApiOperation, fault: Fault): void {
    this.#faults[operation].push(fault);
  }

  /** Resolves once no callback delivery, retry or refund delay is pending. */
  idle(): Promise<void> {
    return this.#tasks.idle();
  }

  /** Cancels pending retries, refund delays and delayed answers, and waits for callbacks in flight. */
  close(): Promise<void> {
    return this.#tasks.close();
  }

  #now(): number {
    return this.#clock().getTime();
  }

  #endRefund(record: RefundRecord, status: 'done' | 'failed'): void {
    if (record.status !== 'processing') return;
    record.status = status;
    this.#logger.info('emulator refund ended', { mRefundId: record.mRefundId, status });
  }

  #find(appTransId: string, action: string): OrderRecord {
    const record = this.#store.latestWithId(appTransId);
    if (!record) throw new EmulatorStateError(appTransId, 'unknown', action);
    return record;
  }

  #require(order: OrderRecord, state: OrderStatus, action: string): void {
    const current = effectiveStatus(order, this.#now());
    if (current !== state) throw new EmulatorStateError(order.appTransId, current, action);
  }

  #snapshot(order: OrderRecord): EmulatorOrder {
    return {
      ...order,
      status: effectiveStatus(order, this.#now()),
      expiresAt: expiresAt(order),
      refundedAmount:
        order.zpTransId === undefined ? 0 : this.#store.refundedAmount(order.appId, String(order.zpTransId)),
    };
  }

  #cancel(order: OrderRecord): EmulatorOrder {
    order.status = 'cancelled';
    this.#logger.info('emulator order cancelled', { appTransId: order.appTransId });
    return this.#snapshot(order);
  }

  async #settlePaid(order: OrderRecord, mode: CallbackMode): Promise<EmulatorOrder> {
    const now = this.#now();
    this.#store.markPaid(order, dailyId(now, this.#zpTransSequence++), now);
    const app = this.#apps.get(order.appId)!;
    const { appTransId } = order;
    // ZaloPay calls the order's callback_url, else the URL registered for the app.
    const callbackUrl = order.callbackUrl ?? app.callbackUrl;
    this.#logger.info('emulator order paid', { appTransId, zpTransId: order.zpTransId, callback: mode });
    if (mode === 'deliver' && callbackUrl) {
      await this.#callbacks.send(appTransId, callbackUrl, callbackBody(order, app.key2));
    } else if (mode === 'deliver') {
      this.#logger.warn('emulator order has no callback_url and its app none registered: no callback sent', {
        appTransId,
      });
    }
    return this.#snapshot(order);
  }

  async #api(operation: ApiOperation, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fault = this.#faults[operation].shift();
    if (fault) this.#logger.warn('emulator injecting fault', { operation, fault: fault.type });
    switch (fault?.type) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case 'http':
        res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`HTTP ${fault.status}`);
        return;
      case 'code':
        sendJson(res, 200, {
          return_code: fault.returnCode,
          return_message: 'Lỗi giả lập (injected fault)',
          sub_return_code: fault.subReturnCode,
          sub_return_message: 'Lỗi giả lập (injected fault)',
        });
        return;
    }
    const answer = await this.#answer(operation, req, url);
    this.#logger.info('emulator api call', {
      operation,
      returnCode: answer.return_code,
      subReturnCode: answer.sub_return_code,
    });
    if (fault?.type === 'delay') await this.#tasks.sleep(fault.ms);
    sendJson(res, 200, answer);
  }

  async #answer(operation: ApiOperation, req: IncomingMessage, url: URL): Promise<ApiAnswer> {
    if (req.method !== 'POST') return unreadableRequest('not-post');
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return unreadableRequest('body-too-large');
      throw error;
    }
    const read = requestParams(req.headers['content-type'], body, url.searchParams);
    if (!read.ok) {
      return unreadableRequest(read.problem === 'malformed' ? 'malformed-body' : 'unsupported-media-type');
    }
    return OPERATIONS[operation](this.#context, read.params);
  }

  /** The order named by `order_url`'s `order` parameter: base64 of `{"zptranstoken":…,"appid":…}`. */
  #orderFromUrl(url: URL): OrderRecord | undefined {
    // A raw "+" in a query string reads as a space.
    const param = (url.searchParams.get('order') ?? '').replaceAll(' ', '+');
    try {
      const { zptranstoken, appid } = JSON.parse(Buffer.from(param, 'base64').toString('utf8')) as {
        zptranstoken?: unknown;
        appid?: unknown;
      };
      const order = typeof zptranstoken === 'string' ? this.#store.orderByToken(zptranstoken) : undefined;
      return order?.appId === appid ? order : undefined;
    } catch {
      return undefined;
    }
  }

  #notPayable(res: ServerResponse, state: NotPayable): void {
    const { httpStatus, notice } = NOTICES[state];
    sendHtml(res, httpStatus, renderNoticePage(notice));
  }

  /** True when `order` can be paid now; otherwise answers with the notice that says why not. */
  #payable(res: ServerResponse, order: OrderRecord | undefined): order is OrderRecord {
    const state = order ? effectiveStatus(order, this.#now()) : 'unknown';
    if (order && state === 'unpaid') return true;
    this.#notPayable(res, state === 'unpaid' ? 'unknown' : state);
    return false;
  }

  #openInApp(res: ServerResponse, url: URL): void {
    const order = this.#orderFromUrl(url);
    if (!this.#payable(res, order)) return;
    sendHtml(
      res,
      200,
      renderPayPage({
        appId: order.appId,
        appTransId: order.appTransId,
        merchant: this.#apps.get(order.appId)?.name ?? order.appUser,
        description: order.description,
        amount: order.amount,
        items: itemsOf(order.item),
        token: order.zpTransToken,
        secondsLeft: (expiresAt(order) - this.#now()) / 1000,
      }),
    );
  }

  async #payForm(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
    const order = this.#store.orderByToken(form.get('token') ?? '');
    const action = form.get('action');
    if (!this.#payable(res, order)) return;
    if (action !== 'pay' && action !== 'cancel') {
      sendHtml(res, 400, renderNoticePage(BAD_FORM));
      return;
    }
    if (action === 'cancel') {
      this.#cancel(order);
      this.#redirect(res, order, PAY_STATUS.cancelled);
      return;
    }
    const tester = testerChoice(form.get('callback'));
    await this.#settlePaid(order, tester === 'deliver' ? 'deliver' : 'lost');
    if (tester === 'closed') sendHtml(res, 200, renderNoticePage(APP_CLOSED));
    else this.#redirect(res, order, PAY_STATUS.paid);
  }

  /** The browser's way back to the merchant (docs/zalopay-protocol.md §7), or a result page without `redirecturl`. */
  #redirect(res: ServerResponse, order: OrderRecord, status: number): void {
    const fields: RedirectFields = {
      appid: String(order.appId),
      apptransid: order.appTransId,
      pmcid: String(CHANNEL),
      bankcode: '',
      amount: String(order.amount),
      discountamount: '0',
      status: String(status),
    };
    const checksum = redirectChecksum(this.#apps.get(order.appId)!.key2, fields);
    const query = new URLSearchParams({ ...fields, checksum }).toString();
    const target = redirectUrlOf(order);
    if (target) {
      target.search = target.search ? `${target.search}&${query}` : `?${query}`;
      res.writeHead(303, { location: target.toString(), 'cache-control': 'no-store', ...NOSNIFF });
      res.end();
      return;
    }
    const paid = status === PAY_STATUS.paid;
    sendHtml(
      res,
      200,
      renderNoticePage({
        tone: paid ? 'success' : 'error',
        title: paid
          ? { vi: 'Thanh toán thành công', en: 'Payment successful' }
          : { vi: 'Đã hủy thanh toán', en: 'Payment cancelled' },
        message: {
          vi: 'Đơn hàng không có redirecturl; đây là các tham số chuyển hướng.',
          en: 'The order has no redirecturl; these are the redirect parameters.',
        },
        details: [...Object.entries(fields), ['checksum', checksum]],
      }),
    );
  }
}
