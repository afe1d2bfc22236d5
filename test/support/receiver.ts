import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (performance.now()). */
  at: number;
}

/** How a receiver answers: a status, or nothing at all (the request hangs until closed). */
export type Answer = number | 'hang';

/**
 * A merchant's webhook receiver on loopback for the calling test file: it keeps every request and
 * answers each with `answer` (2xx by default). Started in `beforeAll`, closed in `afterAll`.
 */
export const useReceiver = () => {
  let server: Server | undefined;
  let url = '';
  const requests: Received[] = [];
  let answer: (request: Received) => Answer = () => 204;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request: Received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: performance.now(),
        };
        requests.push(request);
        const status = answer(request);
        if (status !== 'hang') res.writeHead(status, { location: 'http://127.0.0.1:1/' }).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    /** Where it listens. */
    url: () => url,
    requests,
    /** Sets how the next requests are answered. */
    answerWith: (next: (request: Received) => Answer) => {
      answer = next;
    },
  };
};
