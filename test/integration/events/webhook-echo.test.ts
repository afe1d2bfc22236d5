import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_WEBHOOK_SECRET } from '../../../local/settings';
import { webhookEcho } from '../../../local/webhook-echo';
import { WebhookSender } from '../../../shared/adapters/webhook/sender';
import { eventOf } from '../../../shared/core/events';
import { anOrder } from '../../support/orders';

/** `npm run webhook-echo`'s receiver: what a newcomer sees in the terminal. */
const lines: string[] = [];
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer(
    webhookEcho({ secret: LOCAL_WEBHOOK_SECRET, status: 204, print: (l) => void lines.push(l) }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const paid = eventOf(anOrder(), anOrder({ status: 'PAID', version: 3 }), 'https://api.example')!;

describe('npm run webhook-echo', () => {
  it('prints each delivery signed with the development secret, verified, and answers 204', async () => {
    expect(await new WebhookSender({ url, secret: () => LOCAL_WEBHOOK_SECRET }).send(paid)).toBe(204);
    expect(lines.pop()).toMatch(new RegExp(`✓ order\\.paid +${paid.id}  PAID  50\\.000 ₫$`));
  });

  it('refuses, and says so, a delivery signed with another secret', async () => {
    const other = `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`;
    await expect(new WebhookSender({ url, secret: () => other }).send(paid)).rejects.toThrow(
      'answered HTTP 400',
    );
    expect(lines.pop()).toMatch(`✗ refused ${paid.id}: No matching signature found`);
  });
});
