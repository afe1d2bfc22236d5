import { RecordingEventSink } from '../../../shared/adapters/memory/events';
import { InMemoryOrderStore } from '../../../shared/adapters/memory/order-store';
import { RecordingScheduler } from '../../../shared/adapters/memory/scheduler';
import { ScriptedZaloPay, UnscriptedCallError } from '../../../shared/adapters/memory/zalopay';
import { toOrderView } from '../../../shared/core/orders/view';
import { ZaloPayUnavailableError } from '../../../shared/core/zalopay/errors';
import { queryAnswer } from '../../support/memory';
import { anOrder, at } from '../../support/orders';

/** The message `run` throws, if it throws. */
const thrownBy = (run: () => void): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};

/**
 * What the in-memory adapters add for tests: scripting, recording and faults. Their port
 * semantics are specified by test/integration/store/contract.test.ts.
 */

describe('ScriptedZaloPay', () => {
  it('answers each call with the next scripted answer, then with the standing one', async () => {
    const zalopay = new ScriptedZaloPay()
      .script('queryOrder', queryAnswer({ returnCode: 1 }), queryAnswer({ returnCode: 2 }))
      .always('queryOrder', queryAnswer({ returnCode: 3 }));

    const codes = [];
    for (let n = 0; n < 4; n++) codes.push((await zalopay.queryOrder('o')).returnCode);

    expect(codes).toEqual([1, 2, 3, 3]);
    expect(thrownBy(() => zalopay.verify())).toBeUndefined();
  });

  it('throws a scripted error, and answers from a function of the request', async () => {
    const unavailable = new ZaloPayUnavailableError('query', 'network', 'unreachable');
    const zalopay = new ScriptedZaloPay().script('queryOrder', unavailable, (id) =>
      queryAnswer({ returnMessage: `asked about ${id}` }),
    );

    await expect(zalopay.queryOrder('a')).rejects.toBe(unavailable);
    expect((await zalopay.queryOrder('b')).returnMessage).toBe('asked about b');
  });

  it('records every call with a copy of its request', async () => {
    const created = { orderUrl: 'u', zpTransToken: 't', orderToken: undefined, qrCode: undefined };
    const zalopay = new ScriptedZaloPay().always('createOrder', created);
    const request = {
      appTransId: 'o',
      appUser: 'u',
      amount: 50_000,
      appTime: 0,
      description: 'd',
      items: [],
      embedData: { redirecturl: 'https://x/' },
      bankCode: '',
    };

    await zalopay.createOrder(request);
    request.embedData.redirecturl = 'changed afterwards';

    expect(zalopay.calls).toEqual([
      { operation: 'createOrder', request: { ...request, embedData: { redirecturl: 'https://x/' } } },
    ]);
    expect(zalopay.requestsOf('queryOrder')).toEqual([]);
  });

  it('fails an unscripted call, and verify reports it even when the caller swallowed the error', async () => {
    const zalopay = new ScriptedZaloPay();

    const error = await zalopay.queryOrder('o').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnscriptedCallError);
    expect(thrownBy(() => zalopay.verify())).toMatch(/unscripted queryOrder\("o"\)/);
  });

  it('verify reports scripted answers nobody asked for', () => {
    const zalopay = new ScriptedZaloPay().script('queryOrder', queryAnswer(), queryAnswer());

    expect(thrownBy(() => zalopay.verify())).toMatch(/2 scripted queryOrder answer\(s\) never asked for/);
  });
});

describe('RecordingScheduler', () => {
  const check = (attempt: number, seconds = 1200) => ({ appTransId: 'o', attempt, at: at(seconds) });

  it('holds one schedule per (order, attempt), as deterministic names do, and keeps every request', async () => {
    const scheduler = new RecordingScheduler();

    await scheduler.schedule(check(1));
    await scheduler.schedule(check(1, 1300));
    await scheduler.schedule(check(2, 1260));

    expect(scheduler.scheduled).toEqual([check(1), check(2, 1260)]);
    expect(scheduler.requests).toHaveLength(3);
  });

  it('fails the next requests it is told to, scheduling nothing for them', async () => {
    const scheduler = new RecordingScheduler();
    const throttled = new Error('ThrottlingException');
    scheduler.failNext(throttled, 2);

    await expect(scheduler.schedule(check(1))).rejects.toBe(throttled);
    await expect(scheduler.schedule(check(1))).rejects.toBe(throttled);
    await scheduler.schedule(check(1));

    expect(scheduler.scheduled).toEqual([check(1)]);
    expect(scheduler.requests).toHaveLength(3);
  });
});

describe('InMemoryOrderStore, for tests', () => {
  const ID = anOrder().appTransId;

  it('fails the next calls of one operation, changing nothing, then works again', async () => {
    const store = new InMemoryOrderStore();
    store.put(anOrder());
    const outage = new Error('InternalServerError');
    store.failNext('replace', outage, 2);
    const next = { ...anOrder(), version: 3 };

    await expect(store.replace(next, anOrder())).rejects.toBe(outage);
    await expect(store.replace(next, anOrder())).rejects.toBe(outage);
    expect(store.peek(ID)).toEqual(anOrder());
    expect(await store.get(ID)).toEqual(anOrder());

    expect(await store.replace(next, anOrder())).toBe(true);
  });

  it('lets another writer in just before the next calls of one operation, with their arguments', async () => {
    const store = new InMemoryOrderStore();
    store.put(anOrder());
    const seen: number[] = [];
    store.beforeNext(
      'replace',
      (next) => {
        seen.push(next.version);
        store.put({ ...anOrder(), version: next.version });
      },
      2,
    );

    expect(await store.replace({ ...anOrder(), version: 3 }, anOrder())).toBe(false);
    expect(await store.replace({ ...anOrder(), version: 4 }, { status: 'PENDING', version: 3 })).toBe(false);
    expect(await store.replace({ ...anOrder(), version: 5 }, { status: 'PENDING', version: 4 })).toBe(true);

    expect(seen).toEqual([3, 4]);
  });

  it('records every call made through the port, failed ones too, but not put and peek', async () => {
    const store = new InMemoryOrderStore();
    store.put(anOrder());
    store.peek(ID);
    store.failNext('appendHistory', new Error('x'));

    await store.get(ID);
    await store
      .appendHistory(ID, { at: at(0).toISOString(), kind: 'QUERY', detail: {}, outcome: 'NO_CHANGE' })
      .catch(() => undefined);
    await store.listDueChecks(at(0).toISOString(), 1);

    expect(store.calls).toEqual([
      { operation: 'get', appTransId: ID },
      { operation: 'appendHistory', appTransId: ID },
      { operation: 'listDueChecks' },
    ]);
    expect(store.peekHistory(ID)).toEqual([]);
  });
});

describe('RecordingEventSink', () => {
  const event = (version: number, appTransId = '261128_a') => ({
    id: `${appTransId}.${version}`,
    type: 'order.paid' as const,
    createdAt: at(version).toISOString(),
    data: { order: { ...toOrderView(anOrder({ appTransId }), 'https://api.example') } },
  });

  it('keeps every delivery in order, duplicates included, per order on request', async () => {
    const sink = new RecordingEventSink('push');
    await sink.deliver(event(2));
    await sink.deliver(event(2));
    await sink.deliver(event(3, '261128_b'));
    expect(sink.name).toBe('push');
    expect(sink.delivered.map((e) => e.id)).toEqual(['261128_a.2', '261128_a.2', '261128_b.3']);
    expect(sink.of('261128_b').map((e) => e.id)).toEqual(['261128_b.3']);
  });

  it('fails the next deliveries it is told to, keeping nothing of them', async () => {
    const sink = new RecordingEventSink();
    const down = new Error('down');
    sink.failNext(down, 2);
    await expect(sink.deliver(event(1))).rejects.toBe(down);
    await expect(sink.deliver(event(1))).rejects.toBe(down);
    await sink.deliver(event(1));
    expect(sink.delivered.map((e) => e.id)).toEqual(['261128_a.1']);
    expect(sink.attempted).toEqual(['261128_a.1', '261128_a.1', '261128_a.1']);
  });

  it('hands out copies: a test cannot change what was delivered', async () => {
    const sink = new RecordingEventSink();
    await sink.deliver(event(1));
    sink.delivered[0]!.id = 'changed';
    expect(sink.delivered[0]!.id).toBe('261128_a.1');
  });
});
