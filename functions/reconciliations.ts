import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { errorAnswers, jsonAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { validationFailed } from '../shared/adapters/http/errors';
import { json } from '../shared/adapters/http/headers';
import { apiKeyAuth, httpErrors, type JsonEvent, jsonBody } from '../shared/adapters/http/middleware';
import { parseOrThrow } from '../shared/adapters/http/validation';
import { orderStatusSchema, reviewReasonSchema } from '../shared/core/orders/model';
import {
  countOrdersOfDay,
  dayPrefixOf,
  InvalidDayError,
  type ReconcileDeps,
  type ReconcileOptions,
  reconcileDay,
} from '../shared/core/orders/reconcile';
import { described, intBetween, lazySchema } from '../shared/core/schemas';

export interface Deps extends ReconcileDeps {
  merchantApiKey: () => Promise<string>;
  /** How the route queries ZaloPay; its `pageSize` is the default `limit`. */
  reconcile: ReconcileOptions;
}

/** Orders per call unless `limit` says otherwise, and the most one call may take on. */
export const RECONCILIATION_PAGE = { default: 50, max: 200 } as const;

const vnd = (description: string) => described(z.int(), { description: `VND: ${description}.` });

const requestSchema = described(
  z.strictObject({
    date: described(z.string(), {
      description:
        'The Vietnam day (GMT+7), `yyyy-mm-dd`: its orders are those whose id starts with its `yymmdd`.',
      examples: ['2026-11-28'],
    }),
    cursor: z.optional(
      described(z.string().check(z.minLength(1), z.maxLength(64)), {
        description: "The previous answer's `nextCursor`: the run goes on after it.",
      }),
    ),
    limit: z.optional(
      described(intBetween(1, RECONCILIATION_PAGE.max), {
        description: `Orders reconciled by this call, at most; default ${RECONCILIATION_PAGE.default}.`,
      }),
    ),
  }),
  { description: 'Which day, and where to go on.' },
);

/** One order of a reconciliation (docs/reconciliation.md §4). */
export const reconciliationRowSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      appTransId: z.string(),
      result: described(z.enum(['matched', 'mismatched', 'unresolved']), {
        description: 'Agrees with ZaloPay, disagrees, or ZaloPay could not say.',
      }),
      mismatches: described(z.array(z.enum(['amount', 'status', 'refunds'])), {
        description: 'What disagrees; empty unless mismatched.',
      }),
      note: described(z.string(), { description: 'Why, in words.' }),
      source: described(z.enum(['query', 'stored-query']), {
        description:
          "ZaloPay's side: queried now, or the query that settled the order earlier (not asked again).",
      }),
      status: orderStatusSchema(),
      review: z.optional(reviewReasonSchema()),
      amount: vnd('the order amount'),
      paidAmount: z.optional(vnd('what ZaloPay collected, as recorded here')),
      refundedAmount: vnd('refunded so far'),
      zalopay: z.strictObject({
        state: described(z.enum(['paid', 'unpaid', 'failed', 'processing', 'unknown', 'unanswered']), {
          description:
            'paid (return_code 1), unpaid (3), failed (2), processing (3 with is_processing), unknown (2/-101: no such order), unanswered (the query failed).',
        }),
        amount: z.optional(vnd("ZaloPay's amount")),
        zpTransId: z.optional(z.string()),
        returnCode: z.optional(z.int()),
        subReturnCode: z.optional(z.int()),
      }),
      applied: z.optional(
        described(
          z.strictObject({
            from: orderStatusSchema(),
            to: orderStatusSchema(),
            review: z.optional(reviewReasonSchema()),
          }),
          {
            description:
              "The change reconciliation made through the state machine (trigger 'reconciliation').",
          },
        ),
      ),
      createdAt: z.string(),
    }),
    { description: 'One order of the day against ZaloPay (docs/reconciliation.md §4).' },
  ),
);

const count = (description: string) => described(z.int(), { description });

/** The counts and totals of a reconciliation's rows. */
export const reconciliationSummarySchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      date: z.string(),
      orders: count('Orders reconciled.'),
      matched: count('Agreeing with ZaloPay.'),
      mismatched: count('Disagreeing: each one for a person.'),
      unresolved: count(
        'Whose ZaloPay side could not be learnt (query failed, processing, unknown at ZaloPay, still open).',
      ),
      queried: count('Queried now; the others were settled by a query and taken as ZaloPay said then.'),
      applied: count('Changed by reconciliation (a payment recorded, an open order closed).'),
      collectedHere: vnd('collected, as recorded here'),
      collectedAtZaloPay: vnd('collected, as ZaloPay says'),
      refundedHere: vnd('refunded, as recorded here'),
    }),
    { description: 'Counts and VND totals of the rows.' },
  ),
);

const answerSchema = /* @__PURE__ */ lazySchema(() =>
  described(
    z.strictObject({
      date: z.string(),
      total: count("The day's orders, all of them: what a progress bar counts to."),
      rows: described(z.array(reconciliationRowSchema()), { description: 'In id order.' }),
      summary: reconciliationSummarySchema(),
      nextCursor: described(z.nullable(z.string()), {
        description: 'Pass it as `cursor` to go on; null once the day is done.',
      }),
    }),
    { description: 'The orders this call reconciled, and where the next call goes on.' },
  ),
);

/** The answer of `POST /reconciliations`. */
export type ReconciliationPageView = z.output<ReturnType<typeof answerSchema>>;

/**
 * `POST /reconciliations` (merchant, `x-api-key`): reconciles the next orders of a Vietnam day
 * against ZaloPay (docs/reconciliation.md §5), as many as `limit` and the time left allow within
 * API Gateway's 30 s, and answers their rows, the day's total and the cursor to go on with. The
 * CLI's `reconcile` calls it until `nextCursor` is null.
 */
export const makeHandler = (deps: Deps) =>
  middy<JsonEvent, APIGatewayProxyResultV2>()
    .use(httpErrors(deps))
    .use(apiKeyAuth({ apiKey: deps.merchantApiKey }))
    .use(jsonBody())
    .handler(async (event, context) => {
      const input = parseOrThrow(requestSchema, event.body);
      try {
        dayPrefixOf(input.date);
      } catch (error) {
        if (error instanceof InvalidDayError)
          throw validationFailed([{ path: 'date', message: 'must be a date, yyyy-mm-dd' }]);
        throw error;
      }
      const limit = input.limit ?? RECONCILIATION_PAGE.default;
      const [total, report] = await Promise.all([
        countOrdersOfDay(deps, input.date),
        reconcileDay(deps, input.date, deps.reconcile, {
          ...(input.cursor !== undefined && { after: input.cursor }),
          maxOrders: limit,
          remainingMs: () => context.getRemainingTimeInMillis(),
        }),
      ]);
      const answer: ReconciliationPageView = {
        date: input.date,
        total,
        rows: report.rows,
        summary: report.summary,
        nextCursor: report.next ?? null,
      };
      return json(200, answer);
    });

/** `POST /reconciliations` in the API document (functions/openapi.ts). */
export const contract = (): OperationContract => ({
  operationId: 'reconcile',
  summary: "Reconcile a day's orders with ZaloPay (merchant)",
  description:
    'Compares the next orders of a Vietnam day with what ZaloPay says of them (docs/reconciliation.md): ' +
    'matched, mismatched (amount, status, refunds) or unresolved. Orders settled by a query are not ' +
    'asked again; an answer for an open order is applied as a sync would apply it. One call does as ' +
    'many orders as `limit` and the time left allow; call again with `nextCursor` until it is null.',
  tag: 'Merchant',
  auth: 'merchant',
  body: {
    description: 'The day, and where to go on.',
    content: { 'application/json': { schema: requestSchema } },
  },
  responses: {
    200: jsonAnswer('The orders reconciled by this call.', answerSchema()),
    ...errorAnswers('INVALID_JSON', 'VALIDATION_FAILED', 'UNAUTHORIZED', 'INTERNAL'),
  },
});
