import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StatusCheckScheduler } from '../../../shared/core/ports/scheduler';
import { http, useLocalApp } from '../../support/app';
import { type SentCommand, watchingSends } from '../../support/dynamo';

/**
 * What one paid order costs in DynamoDB requests and Scheduler calls, counted on the adapters of
 * the very handlers the stack deploys: create → ZaloPay's callback → the first status check, which
 * finds the order settled → one GET. Each request is named, so a new read or write shows up here.
 */
type Phase = 'create' | 'callback' | 'first check' | 'get';
let phase: Phase = 'create';
const calls: { phase: Phase; call: string }[] = [];

const OPERATIONS = new Map<unknown, string>([
  [GetCommand, 'read GetItem'],
  [QueryCommand, 'read Query'],
  [PutCommand, 'write PutItem'],
  [UpdateCommand, 'write UpdateItem'],
  [DeleteCommand, 'write DeleteItem'],
]);
/** Which item a request touches, from its key: the order, a history entry or an idempotency record. */
const itemOf = ({ input }: SentCommand): string => {
  const sk = input.Key?.sk ?? input.Item?.sk ?? '';
  return sk.startsWith('HISTORY#') ? 'history' : sk.toLowerCase();
};

const counting = watchingSends((command) =>
  calls.push({ phase, call: `${OPERATIONS.get(command.constructor)} ${itemOf(command)}` }),
);
const countingScheduler = (scheduler: StatusCheckScheduler): StatusCheckScheduler => ({
  schedule: (check) => {
    calls.push({ phase, call: `schedule attempt ${check.attempt}` });
    return scheduler.schedule(check);
  },
});

// The first check is run by hand below, as its schedule would run it once the order is paid.
const app = useLocalApp(
  { STATUS_CHECK_DELAY_SECONDS: '3600' },
  { wrapDynamo: counting, wrapScheduler: countingScheduler },
);
const api = http(() => app().url);

const payOneOrder = async (headers: Record<string, string> = {}) => {
  calls.length = 0;
  phase = 'create';
  const created = await api.post('/orders', { amount: 50_000 }, headers);
  expect(created.status).toBe(201);
  const { appTransId } = created.body;
  phase = 'callback';
  await app().emulator.pay(appTransId);
  phase = 'first check';
  await app().checkStatus({ appTransId, attempt: 1 });
  phase = 'get';
  expect((await api.get(`/orders/${appTransId}`)).body.status).toBe('PAID');
  const by = (p: Phase) =>
    calls
      .filter((c) => c.phase === p)
      .map((c) => c.call)
      .sort();
  return { create: by('create'), callback: by('callback'), firstCheck: by('first check'), get: by('get') };
};
const count = (prefix: string) => calls.filter((c) => c.call.startsWith(prefix)).length;

describe('DynamoDB and Scheduler calls per paid order', () => {
  it('4 writes, 3 reads, 1 schedule: each one named', async () => {
    expect(await payOneOrder()).toEqual({
      create: [
        'schedule attempt 1',
        // CREATING, stored before ZaloPay is called, then PENDING with ZaloPay's answer.
        'write PutItem order',
        'write PutItem order',
      ],
      // Read, decide, conditional write PAID; the verified callback goes to the history.
      callback: ['read GetItem order', 'write PutItem history', 'write PutItem order'],
      // The first check finds the order settled: one read, no query, nothing scheduled.
      firstCheck: ['read GetItem order'],
      get: ['read GetItem order'],
    });
    expect({ writes: count('write'), reads: count('read'), schedules: count('schedule') }).toEqual({
      writes: 4,
      reads: 3,
      schedules: 1,
    });
  });

  it('an Idempotency-Key adds its record: claimed before, completed after (2 writes)', async () => {
    const { create } = await payOneOrder({ 'idempotency-key': 'cart-42-attempt-1' });
    expect(create).toEqual([
      'schedule attempt 1',
      'write PutItem idempotency',
      'write PutItem order',
      'write PutItem order',
      'write UpdateItem idempotency',
    ]);
    expect({ writes: count('write'), reads: count('read'), schedules: count('schedule') }).toEqual({
      writes: 6,
      reads: 3,
      schedules: 1,
    });
  });
});
