import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { apiDocument, type DocumentConfig } from '../../../functions/openapi';
import { API_ROUTES, CALLBACK_PATH } from '../../../functions/routes';
import { DOCUMENT_FILE, defaultDocumentText } from '../../../scripts/openapi';
import { loadConfig } from '../../../shared/core/config';
import { type OpenApiDocument, ResponseValidator } from '../../support/openapi';

const DEFAULTS = loadConfig(
  {},
  { publicBaseUrl: 'http://localhost:3000', zalopayApiBase: 'http://localhost' },
);
const DEPLOYED: DocumentConfig = {
  ...DEFAULTS,
  amountMin: 10_000,
  createOrderAuth: 'api-key',
  urls: {
    publicBaseUrl: 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com',
    callbackUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-1.on.aws/',
  },
};
const committed = async (): Promise<OpenApiDocument> => JSON.parse(await readFile(DOCUMENT_FILE, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the API document (openapi.json, functions/openapi.ts)', () => {
  it('is what `npm run openapi` writes: the committed file is not stale', async () => {
    // On failure: run `npm run openapi` and commit openapi.json.
    expect(await readFile(DOCUMENT_FILE, 'utf8')).toBe(defaultDocumentText());
  });

  it.each([
    ['the committed file', committed],
    ['a deployment with the API key required', async () => apiDocument(DEPLOYED)],
  ])('is a valid OpenAPI 3.1 document: %s', async (_name, document) => {
    const doc = await document();
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('has a path item for every route of API_ROUTES and the callback, and no other', async () => {
    const doc = await committed();
    const documented = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = [...API_ROUTES.map((r) => `${r.method} ${r.path}`), `POST ${CALLBACK_PATH}`];
    expect(documented.sort()).toEqual(routes.sort());
  });

  it('puts the callback on its own server, and the merchant routes behind x-api-key', async () => {
    const doc = await committed();
    expect(doc.paths[CALLBACK_PATH].servers[0].url).toBe('https://{urlId}.lambda-url.{region}.on.aws');
    expect(doc.components.securitySchemes.merchantApiKey).toMatchObject({ in: 'header', name: 'x-api-key' });
    const secured = Object.entries<Record<string, { security?: unknown }>>(doc.paths).flatMap(
      ([path, item]) =>
        Object.entries(item)
          .filter(([method, op]) => METHODS.includes(method) && op.security)
          .map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.security]),
    );
    expect(Object.fromEntries(secured)).toEqual({
      'GET /orders/{appTransId}': [{}, { merchantApiKey: [] }],
      'POST /orders/{appTransId}/sync': [{ merchantApiKey: [] }],
      'GET /orders/{appTransId}/history': [{ merchantApiKey: [] }],
      'POST /orders/{appTransId}/refunds': [{ merchantApiKey: [] }],
      'GET /orders/{appTransId}/refunds': [{ merchantApiKey: [] }],
      'GET /orders/{appTransId}/refunds/{mRefundId}': [{ merchantApiKey: [] }],
      'POST /orders/{appTransId}/cancel': [{ merchantApiKey: [] }],
      'GET /reviews': [{ merchantApiKey: [] }],
      'GET /webhooks/dead-letters': [{ merchantApiKey: [] }],
      'POST /webhooks/dead-letters/replay': [{ merchantApiKey: [] }],
      'POST /reconciliations': [{ merchantApiKey: [] }],
    });
    // With CREATE_ORDER_AUTH=api-key, creating an order needs the key too, and may answer 401.
    const deployed = apiDocument(DEPLOYED) as OpenApiDocument;
    expect(deployed.paths['/orders'].post.security).toEqual([{ merchantApiKey: [] }]);
    expect(deployed.paths['/orders'].post.responses['401']).toBeDefined();
    expect(doc.paths['/orders'].post.responses['401']).toBeUndefined();
  });

  it("states a deployment's own URLs and limits", () => {
    const doc = apiDocument(DEPLOYED) as OpenApiDocument;
    expect(doc.servers).toEqual([{ url: DEPLOYED.urls?.publicBaseUrl, description: 'This deployment' }]);
    expect(doc.paths[CALLBACK_PATH].servers[0].url).toBe(
      'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-1.on.aws/',
    );
    expect(doc.components.schemas.NewOrder.properties.amount.minimum).toBe(10_000);
  });

  it('documents the headers of idempotency, caching and retries', async () => {
    const doc = await committed();
    const create = doc.paths['/orders'].post;
    expect(create.parameters.map((p: { name: string; in: string }) => `${p.in} ${p.name}`)).toContain(
      'header Idempotency-Key',
    );
    expect(Object.keys(create.responses['409'].headers)).toContain('Retry-After');
    const qr = doc.paths['/orders/{appTransId}/qr'].get;
    expect(Object.keys(qr.responses['200'].headers)).toEqual(
      expect.arrayContaining(['ETag', 'Cache-Control']),
    );
    expect(qr.responses['304']).toBeDefined();
    expect(qr.parameters.map((p: { name: string }) => p.name)).toContain('If-None-Match');
  });

  it("has the order events' envelope as a webhook", async () => {
    const doc = await committed();
    expect(doc.webhooks.orderEvent.post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OrderEvent',
    });
    expect(doc.components.schemas.OrderEvent.required).toEqual(
      expect.arrayContaining(['id', 'type', 'createdAt', 'data']),
    );
  });

  it('has examples that its own schemas accept, Vietnamese where a buyer reads them', async () => {
    const doc = await committed();
    const validator = new ResponseValidator(doc);
    let checked = 0;
    for (const [path, item] of Object.entries<Record<string, OpenApiDocument>>(doc.paths)) {
      for (const [method, op] of Object.entries(item).filter(([m]) => METHODS.includes(m))) {
        for (const [status, response] of Object.entries<OpenApiDocument>(op.responses)) {
          for (const [type, media] of Object.entries<OpenApiDocument>(response.content ?? {})) {
            for (const example of Object.values<{ value: unknown }>(media.examples ?? {})) {
              const problems = validator.problems({
                method: method.toUpperCase(),
                path,
                status: Number(status),
                headers: new Headers({ 'content-type': type }),
                text: JSON.stringify(example.value),
              });
              // Only the body is checked here: an example has no headers.
              expect(problems.filter((p) => !p.includes('header'))).toEqual([]);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(doc.components.schemas.NewOrder)).toContain('Cà phê sữa đá');
  });

  it('is the same every time it is made', () => {
    expect(JSON.stringify(apiDocument(DEPLOYED))).toBe(JSON.stringify(apiDocument(DEPLOYED)));
  });
});
