import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { pageHashes } from '../../functions/page-hashes';
import { makeHandler, type Pages, type PushConfig, readPages, readWebFiles } from '../../functions/pages';
import { allowedHashes, blocks, servedHashes } from '../support/csp';
import { SANDBOX } from '../support/sandbox';

const web = (name: string) => readFileSync(new URL(`../../web/${name}`, import.meta.url), 'utf8');
const PARTIALS = ['header', 'outcome', 'script', 'style'];
const files = {
  checkout: web('checkout.html'),
  result: web('result.html'),
  partials: Object.fromEntries(PARTIALS.map((name) => [name, web(`partials/${name}.html`)])),
};
const pages: Pages = { ...files, hashes: pageHashes(files) };

/** Stands in for functions/openapi.ts: counts how often the document is made. */
let documentsMade = 0;
const apiDocument = () => {
  documentsMade++;
  return { openapi: '3.1.1', paths: {} };
};

const PUSH = {
  realtimeUrl: 'wss://abc.appsync-realtime-api.ap-southeast-1.amazonaws.com/event/realtime',
  host: 'abc.appsync-api.ap-southeast-1.amazonaws.com',
  apiKey: 'da2-publicsubscribekey',
};

const serve = async (
  rawPath: string,
  merchantName = 'ZaloPay QR demo',
  push: PushConfig | undefined = PUSH,
  served: Pages = pages,
) => {
  const handler = makeHandler({
    pages: served,
    config: { merchantName },
    apiDocument,
    ...(push && { push }),
  });
  const event = { rawPath, rawQueryString: '', headers: {} } as APIGatewayProxyEventV2;
  return (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2 & {
    headers: Record<string, string>;
    body: string;
  };
};

const between = (html: string, start: string, end: string) => {
  const from = html.indexOf(start);
  return from < 0 ? undefined : html.slice(from, html.indexOf(end, from) + end.length);
};

describe('the demo pages (functions/pages.ts + web/)', () => {
  it('serves the checkout at / and the result page at /result', async () => {
    expect((await serve('/')).body).toContain('id="pay-form"');
    const result = await serve('/result');
    expect(result.body).toContain('id="outcome"');
    expect(result.body).not.toContain('id="pay-form"');
  });

  it('serves the API document at /openapi.json, made once at its first request, for any origin', async () => {
    const before = documentsMade;
    const handler = makeHandler({ pages, config: { merchantName: 'x' }, apiDocument });
    const event = { rawPath: '/openapi.json', rawQueryString: '', headers: {} } as APIGatewayProxyEventV2;
    // Not at start-up: a cold start that serves only pages never pays for the document.
    expect(documentsMade - before).toBe(0);
    const first = (await handler(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
    await handler(event, {} as Context);
    expect(documentsMade - before).toBe(1);
    expect(first).toEqual({
      statusCode: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*',
      },
      body: JSON.stringify(apiDocument()),
    });
  });

  it('shares one look and one result logic: both pages are built from the same partials', async () => {
    for (const page of [pages.checkout, pages.result]) {
      expect([...page.matchAll(/<!-- partial:([\w-]+) -->/g)].map((m) => m[1]).sort()).toEqual(PARTIALS);
    }
    const served = [(await serve('/')).body, (await serve('/result')).body];
    for (const body of served) {
      expect(body).not.toContain('<!-- partial:');
      expect(body).toContain(
        pages.partials.script!.trim().replace('"{{PUSH_CONFIG}}"', JSON.stringify(PUSH)),
      );
      expect(between(body, '<section id="outcome"', '</section>')).toContain('data-kind="checking"');
    }
  });

  it('refuses to start with a page naming a partial nobody gave', () => {
    expect(() =>
      makeHandler({
        pages: { ...pages, partials: { style: '' } },
        config: { merchantName: 'x' },
        apiDocument,
      }),
    ).toThrow('missing partial "header"');
  });

  it.each(['/', '/result'])('%s runs only its own inline scripts and styles (CSP hashes)', async (path) => {
    const { headers, body } = await serve(path);
    expect(allowedHashes(headers['content-security-policy'] ?? '')).toEqual(servedHashes(body));
    expect(servedHashes(body).script.length).toBeGreaterThan(0);
    expect(servedHashes(body).style).toHaveLength(1);
    // Hashes only cover plain <script>/<style> blocks: no attributes, no inline handlers or styles;
    // the one other script element is the push configuration, data the browser never runs.
    expect(body.match(/<script/g)).toHaveLength(blocks(body, 'script').length + 1);
    expect(body.match(/<script [^>]*>/g)).toEqual(['<script id="push-config" type="application/json">']);
    expect(body.match(/<style/g)).toHaveLength(1);
    expect(body).not.toMatch(/\son[a-z]+=/i);
    expect(body).not.toMatch(/\sstyle=/i);
  });

  it.each(['/', '/result'])('%s is self-contained and holds no secret', async (path) => {
    const html = (await serve(path)).body;
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    for (const secret of [SANDBOX.key1, SANDBOX.key2, 'dev-merchant-key']) expect(html).not.toContain(secret);
  });

  it('tells the page where to subscribe for pushes, and lets it connect there and nowhere else', async () => {
    const { headers, body } = await serve('/result');
    const config = /<script id="push-config" type="application\/json">([\s\S]*?)<\/script>/.exec(body)?.[1];
    expect(JSON.parse(config ?? '')).toEqual(PUSH);
    expect(headers['content-security-policy']).toMatch(
      /(^|; )connect-src 'self' wss:\/\/abc\.appsync-realtime-api\.ap-southeast-1\.amazonaws\.com(;|$)/,
    );
  });

  it('without a push channel the page is told null and connects to its own origin only (long-poll)', async () => {
    const { headers, body } = await serve('/', 'ZaloPay QR demo', null as never);
    expect(body).toContain('<script id="push-config" type="application/json">null</script>');
    expect(headers['content-security-policy']).toMatch(/(^|; )connect-src 'self'(;|$)/);
  });

  it('the push configuration cannot end its element, whatever it holds', async () => {
    const { body } = await serve('/', 'x', { ...PUSH, apiKey: '</script><script>alert(1)</script>' });
    expect(body).not.toContain('</script><script>alert(1)');
    const config = /<script id="push-config" type="application\/json">([\s\S]*?)<\/script>/.exec(body)?.[1];
    expect(JSON.parse(config ?? '').apiKey).toBe('</script><script>alert(1)</script>');
  });

  it('puts the merchant name in, escaped', async () => {
    const { body } = await serve('/', 'Cà phê <b>"Hoa Sen"</b> & co');
    expect(body).toContain('Cà phê &lt;b&gt;&quot;Hoa Sen&quot;&lt;/b&gt; &amp; co');
    expect(body).not.toContain('{{MERCHANT_NAME}}');
    expect(body).not.toContain('<b>"Hoa Sen"</b>');
  });

  it.each(['/', '/result'])(
    '%s with an inline block changed but its hashes not made again: the CSP no longer allows it',
    async (path) => {
      // What a stale page-hashes.json beside the bundle would do: the same check the bundles test
      // runs on the deployed function catches it.
      const changed = {
        ...files,
        partials: { ...files.partials, style: files.partials.style!.replace('}', ';}') },
      };
      const stale = await serve(path, 'x', PUSH, { ...changed, hashes: pages.hashes });
      expect(allowedHashes(stale.headers['content-security-policy'] ?? '')).not.toEqual(
        servedHashes(stale.body),
      );
      const fresh = await serve(path, 'x', PUSH, { ...changed, hashes: pageHashes(changed) });
      expect(allowedHashes(fresh.headers['content-security-policy'] ?? '')).toEqual(servedHashes(fresh.body));
    },
  );

  it('makes the hashes once for every request: the merchant name and the push settings are not in a hashed block', async () => {
    const plain = await serve('/', 'ZaloPay QR demo', null as never);
    const other = await serve('/', 'Cà phê <Hoa Sen>', { ...PUSH, apiKey: '</script><style>x</style>' });
    expect(allowedHashes(other.headers['content-security-policy'] ?? '')).toEqual(
      allowedHashes(plain.headers['content-security-policy'] ?? ''),
    );
    expect(allowedHashes(other.headers['content-security-policy'] ?? '')).toEqual(servedHashes(other.body));
    // A page that put either inside a script or a style would need a hash per request: refused.
    for (const [partial, text] of [
      ['script', '<script>const shop = "{{MERCHANT_NAME}}";</script>'],
      ['style', '<style>h1::after{content:"{{MERCHANT_NAME}}"}</style>'],
      ['script', '<script>const push = "{{PUSH_CONFIG}}";</script>'],
    ] as const) {
      const files2 = { ...files, partials: { ...files.partials, [partial]: files.partials[partial] + text } };
      expect(() => pageHashes(files2)).toThrow(
        /checkout page has .*\{\{(MERCHANT_NAME|PUSH_CONFIG)\}\}.* inside an inline/,
      );
    }
  });

  describe('readPages (the function at start: hashes made at synth)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'page-hashes-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const webDir = new URL('../../web/', import.meta.url);
    const hashesFile = (content: unknown) => {
      const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return pathToFileURL(file);
    };

    it('reads web/ and the hashes as they were written, without hashing anything', () => {
      const written = JSON.parse(JSON.stringify(pageHashes(readWebFiles(webDir))));
      expect(readPages(webDir, hashesFile(written))).toEqual(pages);
      // Whatever the file says is what is served: readPages does not compute them again.
      const other = { ...written, result: { ...written.result, style: [`'sha256-${'A'.repeat(43)}='`] } };
      expect(readPages(webDir, hashesFile(other)).hashes.result.style).toEqual([
        `'sha256-${'A'.repeat(43)}='`,
      ]);
    });

    it.each([
      ['not JSON', '{'],
      ['no result page', { checkout: { script: [], style: [] } }],
      ['no style list', { checkout: { script: [] }, result: { script: [], style: [] } }],
      [
        'a source that is no SHA-256 hash',
        { checkout: { script: ["'unsafe-inline'"], style: [] }, result: { script: [], style: [] } },
      ],
    ])('refuses to start with a hashes file with %s', (_what, content) => {
      expect(() => readPages(webDir, hashesFile(content))).toThrow();
    });
  });
});
