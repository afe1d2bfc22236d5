import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TaskTracker } from '../tasks';
import { merchantUserId } from './ids';
import type { EmulatorLogger } from './logger';
import { callbackMac } from './mac';
import type { OrderRecord } from './state';

/** Whether a payment's callback reaches the merchant, or is "lost" so the merchant must query. */
export type CallbackMode = 'deliver' | 'lost';

/** One POST of a callback to the merchant. */
export interface CallbackAttempt {
  appTransId: string;
  /** 1 for the first delivery, up to 4 with the retries. */
  attempt: number;
  url: string;
  /** The exact JSON body sent: `{"data":"…","mac":"…","type":1}`. */
  body: string;
  /** The HTTP status, when the merchant answered at all. */
  httpStatus: number | undefined;
  /** The merchant's `return_code`, when it answered HTTP 200 with JSON carrying one. */
  returnCode: number | undefined;
  /** Why the answer was unusable: network error, timeout, HTTP status, body. */
  error: string | undefined;
  /** True when a retry was scheduled after this attempt. */
  willRetry: boolean;
}

// docs/zalopay-protocol.md §6: "at most 3 times" more, only for return_code 0 or no usable answer.
const MAX_RETRIES = 3;
const MAX_ANSWER_BYTES = 64 * 1024;
// docs/zalopay-protocol.md §6: the channel of the sample callback; the redirect's pmcid carries the same.
export const CHANNEL = 38;

/**
 * The callback body of a paid order: `data` has the fields of docs/zalopay-protocol.md §6 in the order of
 * ZaloPay's sample (§11 TV2), `embed_data` and `item` exactly as the merchant sent them.
 */
export const callbackBody = (order: OrderRecord, key2: string): string => {
  const data = JSON.stringify({
    app_id: order.appId,
    app_trans_id: order.appTransId,
    app_time: order.appTime,
    app_user: order.appUser,
    amount: order.amount,
    embed_data: order.embedData,
    item: order.item,
    zp_trans_id: order.zpTransId,
    server_time: order.serverTime,
    channel: CHANNEL,
    merchant_user_id: merchantUserId(order.appId, order.appUser),
    user_fee_amount: 0,
    discount_amount: 0,
  });
  return JSON.stringify({ data, mac: callbackMac(key2, data), type: 1 });
};

interface Answer {
  httpStatus?: number;
  returnCode?: number;
  error?: string;
}

const interpret = (status: number, text: string): Answer => {
  if (status !== 200) return { httpStatus: status, error: `HTTP ${status}` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { httpStatus: status, error: 'answer is not JSON' };
  }
  const code = (json as { return_code?: unknown } | null)?.return_code;
  return Number.isInteger(code)
    ? { httpStatus: status, returnCode: code as number }
    : { httpStatus: status, error: 'answer has no integer return_code' };
};

const post = (url: string, body: string, timeoutMs: number): Promise<Answer> =>
  new Promise((resolve) => {
    let done = false;
    const finish = (answer: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // No keep-alive agent: a pooled socket would outlive close().
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            finish({ httpStatus: res.statusCode, error: 'answer too large' });
            req.destroy();
          } else chunks.push(chunk);
        });
        res.on('end', () => finish(interpret(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', (e) => finish({ httpStatus: res.statusCode, error: e.message }));
        res.on('close', () => finish({ httpStatus: res.statusCode, error: 'connection closed mid-answer' }));
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ error: e.message }));
    req.end(body);
  });

export interface CallbackSenderOptions {
  tasks: TaskTracker;
  retryDelayMs: number;
  timeoutMs: number;
  logger: EmulatorLogger;
}

/** Delivers callbacks with ZaloPay's retry rule and records every attempt. */
export class CallbackSender {
  readonly log: CallbackAttempt[] = [];
  readonly #o: CallbackSenderOptions;

  constructor(options: CallbackSenderOptions) {
    this.#o = options;
  }

  /** Posts `body` to `url`; resolves after the first attempt while retries go on in the background. */
  send(appTransId: string, url: string, body: string): Promise<void> {
    const { tasks, retryDelayMs, timeoutMs, logger } = this.#o;
    if (tasks.closed) return Promise.resolve();
    return new Promise((firstAttemptDone) => {
      const deliver = async () => {
        for (let attempt = 1; ; attempt++) {
          const answer = await post(url, body, timeoutMs);
          const failed = answer.error !== undefined || answer.returnCode === 0;
          const willRetry = failed && attempt <= MAX_RETRIES && !tasks.closed;
          this.log.push({
            appTransId,
            attempt,
            url,
            body,
            httpStatus: answer.httpStatus,
            returnCode: answer.returnCode,
            error: answer.error,
            willRetry,
          });
          const fields = {
            appTransId,
            attempt,
            returnCode: answer.returnCode,
            error: answer.error,
            willRetry,
          };
          if (failed) logger.warn('emulator callback not accepted', fields);
          else logger.info('emulator callback answered', fields);
          firstAttemptDone();
          if (!willRetry || !(await tasks.sleep(retryDelayMs))) return;
        }
      };
      tasks.track(deliver().finally(firstAttemptDone));
    });
  }
}
