import * as z from 'zod/mini';
import { htmlAnswer, type OperationContract } from '../shared/adapters/http/contract';
import { described } from '../shared/core/schemas';

/*
 * The routes of ./pages.ts in the API document (functions/openapi.ts). Apart from the handler, unlike
 * the other functions' contracts: their schemas (zod) must stay out of the pages' cold start.
 */

const pageHeaders = () => ({
  'Cache-Control': {
    description: 'Revalidated at every visit.',
    schema: z.literal('no-cache'),
    required: true,
  },
  'Content-Security-Policy': {
    description: "Only the page's own inline scripts and styles, allowed by hash, may run.",
    schema: z.string(),
    required: true,
  },
  'Referrer-Policy': {
    description: 'No referrer leaves the page.',
    schema: z.literal('no-referrer'),
    required: true,
  },
});

/** `GET /` in the API document (functions/openapi.ts). */
export const checkoutContract = (): OperationContract => ({
  operationId: 'checkoutPage',
  summary: 'The demo checkout (demo pages only)',
  description:
    'A café checkout in Vietnamese and English: the cart, "Ví ZaloPay", the QR and the result without a ' +
    'reload. Served locally always, on AWS with the `demoPages` context (on for the sandbox).',
  tag: 'Demo pages',
  responses: { 200: htmlAnswer('The page: one self-contained HTML file.', pageHeaders()) },
});

/** `GET /result` in the API document (functions/openapi.ts). */
export const resultContract = (): OperationContract => ({
  operationId: 'resultPage',
  summary: 'Where the redirect lands by default (demo pages only)',
  description:
    'Shows what `GET /orders/{appTransId}` says, long-polling while the order is unsettled. The page reads ' +
    '`appTransId` from its link and trusts only the API: a hand-made `status=PAID` shows nothing paid.',
  tag: 'Demo pages',
  query: z.object({
    appTransId: z.optional(described(z.string(), { description: 'The order to show.' })),
    status: z.optional(
      described(z.string(), {
        description: 'The status the redirect verified; the page re-reads the order.',
      }),
    ),
  }),
  responses: { 200: htmlAnswer('The page.', pageHeaders()) },
});

/** `GET /openapi.json` in the API document (functions/openapi.ts). */
export const apiDocumentContract = (): OperationContract => ({
  operationId: 'getApiDocument',
  summary: 'This document',
  description:
    'The OpenAPI 3.1 document of this deployment: its servers, its amount limits and whether creating ' +
    'an order needs the API key. Generate a client from it, or open it in a viewer.',
  tag: 'Document',
  responses: {
    200: {
      description: 'The document.',
      headers: {
        'Cache-Control': {
          description: 'Revalidated at every read.',
          schema: z.literal('no-cache'),
          required: true,
        },
        'Access-Control-Allow-Origin': {
          description: 'Public: a viewer on any origin may fetch it.',
          schema: z.literal('*'),
          required: true,
        },
      },
      content: {
        'application/json': { schema: { raw: { type: 'object', required: ['openapi', 'paths'] } } },
      },
    },
  },
});
