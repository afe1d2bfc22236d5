import { describeCode, type ZaloPayCode, type ZaloPayOperation } from './codes';

/** Anything that went wrong talking to ZaloPay. */
export abstract class ZaloPayError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly operation: ZaloPayOperation,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** ZaloPay answered, and the answer is a refusal (`return_code` 2 on create, or a negative code). */
export class ZaloPayRejectedError extends ZaloPayError {
  override readonly name = 'ZaloPayRejectedError';
  /** The documented meaning of the most specific code, when ZaloPay documents it. */
  readonly code: ZaloPayCode | undefined;
  readonly retryable: boolean;

  constructor(
    operation: ZaloPayOperation,
    readonly returnCode: number,
    readonly returnMessage: string,
    readonly subReturnCode: number | undefined,
    readonly subReturnMessage: string,
  ) {
    const detail = subReturnCode !== undefined && subReturnCode !== returnCode ? subReturnCode : returnCode;
    const code = describeCode(operation, detail) ?? describeCode(operation, returnCode);
    super(
      operation,
      `ZaloPay ${operation} rejected: return_code ${returnCode}, sub_return_code ${subReturnCode ?? '-'}` +
        (code ? ` (${code.name}: ${code.meaning})` : ''),
    );
    this.code = code;
    // An undocumented code is not retried: repeating a request we do not understand is a guess.
    this.retryable = code?.retryable ?? false;
  }
}

export type UnavailableReason = 'timeout' | 'network' | 'http-status' | 'bad-response';

/**
 * No usable answer: the request timed out, never connected, or the reply was not ZaloPay's JSON.
 * The outcome of the request is unknown; the same request may work later.
 */
export class ZaloPayUnavailableError extends ZaloPayError {
  override readonly name = 'ZaloPayUnavailableError';
  readonly retryable = true;
  constructor(
    operation: ZaloPayOperation,
    readonly reason: UnavailableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(operation, message, options);
  }
}
