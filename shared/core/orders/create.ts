import type { Clock } from '../clock';
import type { AppConfig } from '../config';
import type { Log, Metrics } from '../observability';
import type { StatusCheckScheduler } from '../ports/scheduler';
import type { OrderStore } from '../ports/store';
import { ZaloPayRejectedError, ZaloPayUnavailableError } from '../zalopay/errors';
import { newAppTransId } from '../zalopay/ids';
import type { ZaloPayGateway } from '../zalopay/types';
import { applyEvent, failureOf } from './apply';
import { type CheckPolicy, firstCheckAt } from './checks';
import type { Metadata, Order, OrderItem } from './model';

/** A validated `POST /orders` body. */
export interface NewOrder {
  amount: number;
  description?: string;
  appUser?: string;
  items?: OrderItem[];
  returnUrl?: string;
  bankCode?: string;
  expireDurationSeconds?: number;
  metadata?: Metadata;
}

export interface CreateOrderDeps {
  store: OrderStore;
  zalopay: ZaloPayGateway;
  scheduler: StatusCheckScheduler;
  clock: Clock;
  policy: CheckPolicy;
  log: Log;
  metrics: Metrics;
  /** What create-order sends ZaloPay besides the order. */
  config: Pick<AppConfig, 'callbackUrl' | 'redirectUrl' | 'merchantName'>;
}

/**
 * ZaloPay refused the order, or its outcome is unknown. Carries the order id: the client can
 * follow an unknown outcome with `GET /orders/{appTransId}` while the status check settles it.
 */
export class OrderCreationError extends Error {
  override readonly name = 'OrderCreationError';
  constructor(
    readonly appTransId: string,
    override readonly cause: ZaloPayRejectedError | ZaloPayUnavailableError,
  ) {
    super(`order ${appTransId}: ${cause.message}`, { cause });
  }
}

/** Our items in the shape of ZaloPay's documented examples (`item` is merchant-defined). */
export const zaloPayItems = (items: readonly OrderItem[]) =>
  items.map((i) => ({ itemid: i.id ?? '', itemname: i.name, itemprice: i.price, itemquantity: i.quantity }));

/** The QR flow: ZaloPay shows a QR to scan with its app on desktop, opens the app on a phone. */
const DEFAULT_BANK_CODE = 'zalopayapp';
/** ZaloPay's own default order lifetime. */
export const DEFAULT_EXPIRE_SECONDS = 900;

/**
 * Creates an order (docs/http-api.md `POST /orders`): stored as CREATING first, then exactly one
 * ZaloPay create call, never retried here (a blind retry risks -68 or a second order).
 * - answer 1: PENDING, first status check scheduled; returns the order.
 * - refused: FAILED; throws OrderCreationError (cause ZaloPayRejectedError).
 * - no usable answer: stays CREATING, status check scheduled to settle it; throws
 *   OrderCreationError (cause ZaloPayUnavailableError). The sweeper covers a schedule that could
 *   not be created.
 */
export const createOrder = async (deps: CreateOrderDeps, input: NewOrder): Promise<Order> => {
  const now = deps.clock();
  const createdAt = now.toISOString();
  const appTransId = newAppTransId(now);
  const expireDurationSeconds = input.expireDurationSeconds ?? DEFAULT_EXPIRE_SECONDS;
  const firstCheck = { attempt: 1, at: firstCheckAt(now, deps.policy).toISOString() };
  const order: Order = {
    appTransId,
    status: 'CREATING',
    version: 1,
    amount: input.amount,
    description: (input.description ?? `Thanh toán đơn hàng ${appTransId}`).normalize('NFC'),
    appUser: (input.appUser ?? deps.config.merchantName).normalize('NFC'),
    items: input.items ?? [],
    bankCode: input.bankCode ?? DEFAULT_BANK_CODE,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
    expireDurationSeconds,
    createdAt,
    updatedAt: createdAt,
    expiresAt: new Date(now.getTime() + expireDurationSeconds * 1000).toISOString(),
    refundedAmount: 0,
    nextCheck: firstCheck,
    transitions: [{ at: createdAt, to: 'CREATING', trigger: 'create', evidence: {} }],
  };
  if (!(await deps.store.create(order))) {
    // 131 random bits make this a broken random source, not bad luck.
    throw new Error(`app_trans_id collision on ${appTransId}`);
  }

  const scheduleFirstCheck = () =>
    deps.scheduler
      .schedule({ appTransId, attempt: 1, at: new Date(firstCheck.at) })
      .catch((error: unknown) => {
        // Not fatal: the order carries nextCheck, so the sweeper finds it when it falls due. Counted,
        // so that schedules being lost raise an alarm rather than a log line nobody reads.
        deps.metrics.count('StatusCheckScheduleFailed');
        deps.log.error('could not schedule the first status check', { appTransId, error });
      });

  let answer: Awaited<ReturnType<ZaloPayGateway['createOrder']>>;
  try {
    answer = await deps.zalopay.createOrder({
      appTransId,
      appUser: order.appUser,
      amount: order.amount,
      appTime: now.getTime(),
      description: order.description,
      items: zaloPayItems(order.items),
      embedData: { redirecturl: deps.config.redirectUrl },
      bankCode: order.bankCode,
      callbackUrl: deps.config.callbackUrl,
      expireDurationSeconds,
    });
  } catch (error) {
    if (error instanceof ZaloPayRejectedError) {
      deps.metrics.count('OrderCreateRejected');
      const failure = failureOf(error);
      const cause = { trigger: 'create', evidence: failure } as const;
      await applyEvent(deps, appTransId, { type: 'CREATE_REJECTED', failure, cause }, order);
      throw new OrderCreationError(appTransId, error);
    }
    if (error instanceof ZaloPayUnavailableError) {
      deps.metrics.count('OrderCreateUnknown');
      deps.log.warn('ZaloPay create outcome unknown; the status check will settle it', {
        appTransId,
        reason: error.reason,
      });
      await scheduleFirstCheck();
      throw new OrderCreationError(appTransId, error);
    }
    throw error;
  }

  const [applied] = await Promise.all([
    applyEvent(
      deps,
      appTransId,
      {
        type: 'CREATE_ACCEPTED',
        ...answer,
        cause: { trigger: 'create', evidence: { returnCode: 1, zpTransToken: answer.zpTransToken } },
      },
      order,
    ),
    scheduleFirstCheck(),
  ]);
  deps.metrics.count('OrderCreated');
  if (applied.outcome === 'NOT_FOUND') throw new Error(`order ${appTransId} vanished during creation`);
  return applied.order;
};
