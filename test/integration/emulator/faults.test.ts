import type { EmulatorServer } from '../../../local/emulator';
import { createFields, manualClock, postForm, queryFields, startEmulator, VECTOR_TIME } from './helpers';

describe('ZaloPay emulator injected faults', () => {
  let server: EmulatorServer;
  const api = (op: string) => `${server.url}/v2/${op}`;

  beforeEach(async () => {
    server = await startEmulator({ clock: manualClock().clock });
  });
  afterEach(() => server.close());

  it('answers the injected codes once, without handling the call, then behaves again', async () => {
    server.emulator.injectFault('create', { type: 'code', returnCode: -500, subReturnCode: -500 });
    const fields = createFields('240101_code', VECTOR_TIME);
    expect((await postForm(api('create'), fields)).json).toMatchObject({
      return_code: -500,
      sub_return_code: -500,
    });
    expect(server.emulator.order('240101_code')).toBeUndefined();
    expect((await postForm(api('create'), fields)).json.return_code).toBe(1);
  });

  it('answers an injected HTTP status', async () => {
    server.emulator.injectFault('query', { type: 'http', status: 503 });
    const response = await fetch(api('query'), { method: 'POST', body: 'app_id=2553' });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('HTTP 503');
  });

  it('answers 200 with a body that is not JSON', async () => {
    server.emulator.injectFault('refund', { type: 'garbage' });
    const response = await fetch(api('refund'), { method: 'POST' });
    expect(response.status).toBe(200);
    await expect(response.clone().json()).rejects.toThrow();
    expect(await response.text()).toContain('502 Bad Gateway');
  });

  it('drops the connection without an answer', async () => {
    server.emulator.injectFault('query_refund', { type: 'drop' });
    await expect(fetch(api('query_refund'), { method: 'POST' })).rejects.toThrow();
    expect((await postForm(api('query_refund'), {})).json.sub_return_code).toBe(-401);
  });

  it('handles a delayed call before answering late: the order exists', async () => {
    server.emulator.injectFault('create', { type: 'delay', ms: 10 });
    const { json } = await postForm(api('create'), createFields('240101_delay', VECTOR_TIME));
    expect(json.return_code).toBe(1);
    expect((await postForm(api('query'), queryFields('240101_delay'))).json.return_code).toBe(3);
  });

  it('applies queued faults to successive calls in order, and to that operation only', async () => {
    server.emulator.injectFault('query', { type: 'code', returnCode: -999, subReturnCode: -999 });
    server.emulator.injectFault('query', { type: 'code', returnCode: -429, subReturnCode: -429 });
    expect((await postForm(api('create'), createFields('240101_queue', VECTOR_TIME))).json.return_code).toBe(
      1,
    );
    const query = async () => (await postForm(api('query'), queryFields('240101_queue'))).json.return_code;
    expect([await query(), await query(), await query()]).toEqual([-999, -429, 3]);
  });
});
