/** The app credentials ZaloPay issues: key1 signs our requests, key2 verifies what ZaloPay sends. */
export interface ZaloPayCredentials {
  appId: number;
  key1: string;
  key2: string;
  /** The key2 being rotated out: callbacks and redirects signed with it still verify. */
  key2Previous?: string;
}

/** Where credentials come from: static locally, a refreshing Secrets Manager cache on AWS. */
export type CredentialsProvider = () => Promise<ZaloPayCredentials>;

export interface CreateOrderRequest {
  appTransId: string;
  appUser: string;
  amount: number;
  /** Unix epoch milliseconds. */
  appTime: number;
  description: string;
  /** Serialised once into the `item` JSON string that is both signed and sent. */
  items: readonly unknown[];
  /** Serialised once into the `embed_data` JSON string that is both signed and sent. */
  embedData: Readonly<Record<string, unknown>>;
  bankCode: string;
  callbackUrl?: string;
  expireDurationSeconds?: number;
}

export interface CreateOrderResult {
  orderUrl: string;
  zpTransToken: string;
  orderToken: string | undefined;
  /** The VietQR (EMVCo) payload, when ZaloPay returns one. */
  qrCode: string | undefined;
}

/** 1 paid, 2 failed (see the sub code), 3 not paid yet or still processing. */
export type QueryReturnCode = 1 | 2 | 3;

export interface QueryOrderResult {
  returnCode: QueryReturnCode;
  returnMessage: string;
  subReturnCode: number | undefined;
  subReturnMessage: string;
  isProcessing: boolean;
  amount: number | undefined;
  /** A 15-digit integer kept as text: it is an identifier, and the refund API takes a string. */
  zpTransId: string | undefined;
  serverTime: number | undefined;
  discountAmount: number | undefined;
}

export interface RefundRequest {
  mRefundId: string;
  zpTransId: string;
  amount: number;
  description: string;
  refundFeeAmount?: number;
}

/** 1 refunded, 2 failed, 3 processing (poll query_refund). */
export interface RefundResult {
  returnCode: QueryReturnCode;
  returnMessage: string;
  subReturnCode: number | undefined;
  subReturnMessage: string;
  refundId: string | undefined;
}

export interface QueryRefundResult {
  returnCode: QueryReturnCode;
  returnMessage: string;
  subReturnCode: number | undefined;
  subReturnMessage: string;
}

/** The port the order service talks to; the HTTP client implements it. */
export interface ZaloPayGateway {
  /** Creates the order. Throws ZaloPayRejectedError for any answer but 1, ZaloPayUnavailableError otherwise. */
  createOrder(request: CreateOrderRequest): Promise<CreateOrderResult>;
  /** Queries an order. Throws ZaloPayRejectedError for negative return codes. */
  queryOrder(appTransId: string): Promise<QueryOrderResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  queryRefund(mRefundId: string): Promise<QueryRefundResult>;
}

/** The fields of a v2 callback's `data`, once its MAC has been verified. */
export interface CallbackData {
  appId: number;
  appTransId: string;
  appTime: number;
  appUser: string;
  amount: number;
  embedData: string;
  item: string;
  zpTransId: string;
  serverTime: number;
  channel: number | undefined;
  merchantUserId: string | undefined;
  userFeeAmount: number | undefined;
  discountAmount: number | undefined;
}
