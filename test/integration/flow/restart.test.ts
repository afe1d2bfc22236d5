import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type LocalApp, startLocalApp } from '../../../local/app';
import { type EmulatorServer, startEmulatorServer } from '../../../local/emulator';
import { orderPk } from '../../../shared/adapters/dynamodb/order-store';
import { FAST_ENV, http } from '../../support/app';
import { manualClock } from '../../support/clock';
import { interruptPut } from '../../support/dynalite-crash';
import { SANDBOX } from '../../support/sandbox';
import { waitFor } from '../../support/wait';

/**
 * `npm start` with DATA_DIR, stopped and started again: the orders survive, their timers do not,
 * and a process that was killed may have left the due-checks index out of step. ZaloPay (a
 * standalone emulator, as the real one) lives on across the restart.
 */
let zalopay: EmulatorServer;
let dataDir: string;
const apps: LocalApp[] = [];
beforeAll(async () => {
  zalopay = await startEmulatorServer({ apps: [SANDBOX], callbackRetryDelayMs: 1 });
});
afterAll(() => zalopay.close());
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'restart-'));
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await rm(dataDir, { recursive: true, force: true });
});

/**
 * The time limit of a test that starts the local runtime twice on a LevelDB directory: a few
 * seconds on an idle machine, several times that on a loaded one. Not a performance limit.
 */
const TWO_STARTS_TIMEOUT_MS = 60_000;

// The design's schedule: first check 20 minutes after the order, moved through by hand.
let clock: ReturnType<typeof manualClock>;
beforeEach(() => {
  clock = manualClock();
});
const start = async () => {
  const app = await startLocalApp({
    env: {
      ...FAST_ENV,
      DATA_DIR: dataDir,
      ZALOPAY_API_BASE: zalopay.url,
      STATUS_CHECK_DELAY_SECONDS: '1200',
      EXPIRY_GRACE_SECONDS: '300',
    },
    clock,
  });
  apps.push(app);
  return app;
};

describe('a restart with DATA_DIR', () => {
  it(
    'gives every unsettled order its check back, even one whose index entry a kill had lost',
    async () => {
      const first = await start();
      const api = http(() => first.url);
      const paid = await api.createOrder();
      const unpaid = await api.createOrder();
      await zalopay.emulator.pay(paid.appTransId, { callback: 'lost' });
      const { Item: item } = await first.dynamo.baseClient.send(
        new GetItemCommand({
          TableName: first.dynamo.tableName,
          Key: { pk: { S: orderPk(paid.appTransId) }, sk: { S: 'ORDER' } },
        }),
      );
      await first.close();
      // Killed while settling the paid order: its entry deleted, the item never written.
      const { nextCheck: _n, dueAt: _d, dueShard: _s, ...settled } = item!;
      await interruptPut(dataDir, first.dynamo.tableName, item, settled, 'after-index-deletes');

      clock.advance(1300);
      const second = await start();

      expect(second.repair).toMatchObject({ restored: 1, removed: 0, failed: 0 });
      expect(second.repair?.checks.map((c) => c.appTransId).sort()).toEqual(
        [paid.appTransId, unpaid.appTransId].sort(),
      );
      // Both checks were due while nothing ran: they run now, not at the next sweep.
      await waitFor(async () => (await second.store.get(paid.appTransId))?.status === 'PAID', {
        what: 'the paid order settled by its status check',
      });
      await waitFor(async () => (await second.store.get(unpaid.appTransId))?.status === 'EXPIRED', {
        what: 'the unpaid order expired by its status check',
      });
      expect(await second.store.get(paid.appTransId)).toMatchObject({ settledBy: 'query', amount: 50_000 });
    },
    TWO_STARTS_TIMEOUT_MS,
  );

  it(
    'starts with nothing to repair after a clean stop, and re-arms checks not yet due',
    async () => {
      const first = await start();
      const order = await http(() => first.url).createOrder();
      await first.close();

      const second = await start();

      expect(second.repair).toMatchObject({ restored: 0, removed: 0, failed: 0 });
      expect(second.repair?.checks).toEqual([
        { appTransId: order.appTransId, attempt: 1, at: new Date(order.statusCheckAt) },
      ]);
      expect((await second.store.get(order.appTransId))?.status).toBe('PENDING');
    },
    TWO_STARTS_TIMEOUT_MS,
  );
});
