import { createRequire } from 'node:module';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

type RawItem = Record<string, AttributeValue>;

/** The parts of dynalite's storage module this helper drives (dynalite ships no types). */
interface DynaliteDb {
  getIndexActions(
    indexes: unknown[],
    existingItem: RawItem | undefined,
    item: RawItem | undefined,
    table: unknown,
  ): { puts: { index: string; key: string; item: RawItem }[]; deletes: { index: string; key: string }[] };
}
interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

// dynalite's own modules, found from where dynalite is installed: the same LevelDB binding and
// the same index arithmetic it uses, so the states written here are the ones it would leave.
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const dynaliteDb = fromDynalite('./db') as DynaliteDb;
const { Level } = fromDynalite('level') as {
  Level: new (path: string, options: { valueEncoding: 'json' }) => LevelDb;
};

/** How far an interrupted PutItem got: dynalite deletes the old index entry, puts the new, then the item. */
export type InterruptedAt = 'after-index-deletes' | 'after-index-puts';

/**
 * Leaves in a closed dynalite `dataDir` what a process killed in the middle of a PutItem (or a
 * DeleteItem, `next` undefined) of `tableName` leaves: the index steps up to `at`, never the item
 * itself. `previous` is the item as stored (undefined for a create).
 */
export const interruptPut = async (
  dataDir: string,
  tableName: string,
  previous: RawItem | undefined,
  next: RawItem | undefined,
  at: InterruptedAt,
): Promise<void> => {
  const level = new Level(dataDir, { valueEncoding: 'json' });
  await level.open();
  try {
    const table = (await level.get(`table~${tableName}`)) as { GlobalSecondaryIndexes?: unknown[] };
    const actions = dynaliteDb.getIndexActions(table.GlobalSecondaryIndexes ?? [], previous, next, table);
    const prefix = (index: string) => `index-global~${tableName}~${index}~`;
    for (const d of actions.deletes) await level.del(prefix(d.index) + d.key);
    if (at === 'after-index-puts') {
      for (const p of actions.puts) await level.put(prefix(p.index) + p.key, p.item);
    }
  } finally {
    await level.close();
  }
};
