import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookDeliveryError, WebhookSender, webhookHeaders } from '../../../shared/adapters/webhook/sender';
import { eventOf } from '../../../shared/core/events';
import { anOrder } from '../../support/orders';
import { useReceiver } from '../../support/receiver';

const SECRET = `whsec_${Buffer.from('a merchant’s own 32-byte secret!!').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('somebody else’s 32-byte secret!!').toString('base64')}`;
const event = eventOf(anOrder({ status: 'CREATING', version: 1 }), anOrder(), 'https://api.example')!;

const receiver = useReceiver();
const sender = (timeoutMs?: number) =>
  new WebhookSender({ url: receiver.url(), secret: async () => SECRET, ...(timeoutMs && { timeoutMs }) });

/** What a receiver does with the `standardwebhooks` package: verify the raw body with the headers. */
const verify = (secret: string, body: string, headers: Record<string, unknown>) =>
  new Webhook(secret).verify(body, headers as Record<string, string>);

describe('webhook deliveries (docs/events.md §3)', () => {
  it('POST the envelope with the Standard Webhooks headers, and the standardwebhooks package verifies them', async () => {
    receiver.answerWith(() => 200);
    expect(await sender().send(event)).toBe(200);

    const [request] = receiver.requests.splice(0);
    expect(request).toMatchObject({ method: 'POST', url: '/hooks' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
    expect(JSON.parse(request!.body)).toEqual(event);
    expect(verify(SECRET, request!.body, request!.headers)).toEqual(event);
  });

  it('a changed body, another secret, or a timestamp more than 5 minutes away fails verification', () => {
    const body = JSON.stringify(event);
    const now = new Date();
    const headers = webhookHeaders(SECRET, event.id, body, now);
    expect(verify(SECRET, body, headers)).toEqual(event);
    // Inside the 5 minutes, a delivery that took its time still verifies.
    expect(
      verify(SECRET, body, webhookHeaders(SECRET, event.id, body, new Date(now.getTime() - 240_000))),
    ).toEqual(event);

    const failures = [
      () => verify(SECRET, body.replace('"PENDING"', '"PAID"'), headers),
      () => verify(OTHER, body, headers),
      () => verify(SECRET, body, { ...headers, 'webhook-id': `${event.id}0` }),
      () => verify(SECRET, body, webhookHeaders(SECRET, event.id, body, new Date(now.getTime() - 400_000))),
      () => verify(SECRET, body, webhookHeaders(SECRET, event.id, body, new Date(now.getTime() + 400_000))),
    ];
    for (const attempt of failures) expect(attempt).toThrow(WebhookVerificationError);
  });

  it('signs "<id>.<timestamp>.<body>" with HMAC-SHA256 of the decoded secret, as the scheme specifies', async () => {
    const { createHmac } = await import('node:crypto');
    const at = new Date('2026-11-28T03:00:00.000Z');
    const headers = webhookHeaders(SECRET, 'msg_1', '{"a":1}', at);
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key)
      .update(`msg_1.${at.getTime() / 1000}.{"a":1}`)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(at.getTime() / 1000),
      'webhook-signature': `v1,${mac}`,
    });
  });

  it.each([
    [500, 'answered HTTP 500'],
    [404, 'answered HTTP 404'],
    // A redirect is not followed: the answer must come from the configured URL.
    [302, 'answered HTTP 302'],
  ])('an answer %i is not a delivery', async (status, message) => {
    receiver.answerWith(() => status);
    const error = await sender()
      .send(event)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect(error).toMatchObject({ message, status });
    receiver.requests.splice(0);
  });

  it('no answer within the timeout (10 s by default), or no connection, is not a delivery', async () => {
    receiver.answerWith(() => 'hang');
    await expect(sender(100).send(event)).rejects.toThrow('no answer within 100 ms');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new WebhookSender({ url: `http://127.0.0.1:${port}/hooks`, secret: () => SECRET });
    await expect(refused.send(event)).rejects.toThrow(/no connection: ECONNREFUSED/);
    receiver.requests.splice(0);
  });
});
