import type {
  CreateOrderRequest,
  CreateOrderResult,
  QueryOrderResult,
  QueryRefundResult,
  RefundRequest,
  RefundResult,
  ZaloPayGateway,
} from '../../core/zalopay/types';

/** What each operation of the {@link ZaloPayGateway} port is asked and answers. */
interface Operations {
  createOrder: { request: CreateOrderRequest; result: CreateOrderResult };
  queryOrder: { request: string; result: QueryOrderResult };
  refund: { request: RefundRequest; result: RefundResult };
  queryRefund: { request: string; result: QueryRefundResult };
}

/** An operation of the {@link ZaloPayGateway} port. */
export type ZaloPayGatewayOperation = keyof Operations;

/**
 * One scripted answer: a result to return, an error to throw (`ZaloPayRejectedError` or
 * `ZaloPayUnavailableError`, as the real client would, or any other to play a bug), or a function
 * of the request that returns or throws one.
 */
export type ScriptedAnswer<Op extends ZaloPayGatewayOperation> =
  | Operations[Op]['result']
  | Error
  | ((request: Operations[Op]['request']) => Operations[Op]['result'] | Promise<Operations[Op]['result']>);

/** One call made to a {@link ScriptedZaloPay}, with a copy of its request. */
export type ScriptedCall = {
  [Op in ZaloPayGatewayOperation]: { operation: Op; request: Operations[Op]['request'] };
}[ZaloPayGatewayOperation];

/** Thrown by a call nothing was scripted for: the test did not expect ZaloPay to be asked. */
export class UnscriptedCallError extends Error {
  override readonly name = 'UnscriptedCallError';
}

interface Script<Op extends ZaloPayGatewayOperation> {
  /** Answers used once each, in order. */
  queue: ScriptedAnswer<Op>[];
  /** The answer once the queue is empty, if any. */
  standing?: ScriptedAnswer<Op>;
}

type Scripts = { [Op in ZaloPayGatewayOperation]: Script<Op> };

/**
 * {@link ZaloPayGateway} that answers what the test scripted, per operation, and records every
 * call with its request. A call nothing was scripted for throws {@link UnscriptedCallError}; since
 * the code under test may swallow that (the sweeper logs a failed check and goes on),
 * {@link verify} reports it too, along with scripted answers nobody asked for.
 */
export class ScriptedZaloPay implements ZaloPayGateway {
  readonly #scripts: Scripts = {
    createOrder: { queue: [] },
    queryOrder: { queue: [] },
    refund: { queue: [] },
    queryRefund: { queue: [] },
  };
  readonly #calls: ScriptedCall[] = [];
  readonly #unscripted: string[] = [];

  /** Queues answers for the next calls of `operation`, one each, in order. */
  script<Op extends ZaloPayGatewayOperation>(operation: Op, ...answers: ScriptedAnswer<Op>[]): this {
    (this.#scripts[operation] as Script<Op>).queue.push(...answers);
    return this;
  }

  /** Answers every call of `operation` with `answer` once its queued answers are used up. */
  always<Op extends ZaloPayGatewayOperation>(operation: Op, answer: ScriptedAnswer<Op>): this {
    (this.#scripts[operation] as Script<Op>).standing = answer;
    return this;
  }

  /** Every call, in order. */
  get calls(): readonly ScriptedCall[] {
    return this.#calls;
  }

  /** The requests of every call of `operation`, in order. */
  requestsOf<Op extends ZaloPayGatewayOperation>(operation: Op): Operations[Op]['request'][] {
    return this.#calls
      .filter((c) => c.operation === operation)
      .map((c) => c.request as Operations[Op]['request']);
  }

  /** Throws if any call was unscripted, or any queued answer was never asked for. */
  verify(): void {
    const unused = Object.entries(this.#scripts)
      .filter(([, script]) => script.queue.length > 0)
      .map(([operation, script]) => `${script.queue.length} scripted ${operation} answer(s) never asked for`);
    const problems = [...this.#unscripted, ...unused];
    if (problems.length > 0) throw new Error(`ScriptedZaloPay: ${problems.join('; ')}`);
  }

  createOrder(request: CreateOrderRequest): Promise<CreateOrderResult> {
    return this.#answer('createOrder', request);
  }

  queryOrder(appTransId: string): Promise<QueryOrderResult> {
    return this.#answer('queryOrder', appTransId);
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return this.#answer('refund', request);
  }

  queryRefund(mRefundId: string): Promise<QueryRefundResult> {
    return this.#answer('queryRefund', mRefundId);
  }

  async #answer<Op extends ZaloPayGatewayOperation>(
    operation: Op,
    request: Operations[Op]['request'],
  ): Promise<Operations[Op]['result']> {
    this.#calls.push({ operation, request: structuredClone(request) } as ScriptedCall);
    const script = this.#scripts[operation] as Script<Op>;
    const answer = script.queue.length > 0 ? script.queue.shift() : script.standing;
    if (answer === undefined) {
      const problem = `unscripted ${operation}(${JSON.stringify(request)})`;
      this.#unscripted.push(problem);
      throw new UnscriptedCallError(`ScriptedZaloPay: ${problem}`);
    }
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer(request);
    return structuredClone(answer);
  }
}
