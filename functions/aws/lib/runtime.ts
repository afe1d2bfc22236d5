import { loadConfig } from '../../../shared/core/config';
import { checkPolicyOf } from '../../../shared/core/orders/checks';
import type { StatusCheckScheduler } from '../../../shared/core/ports/scheduler';

/**
 * What the functions that read app settings share, built once per container when the entry module
 * loads: the validated configuration (a malformed variable fails the cold start and names itself)
 * and what derives from it. What no setting decides (logger, wrapper, clock) is in ./common.ts,
 * re-exported here; a function that reads no setting imports only that (test/unit/aws/entries.test.ts).
 */
export const config = loadConfig(process.env);

/** When status checks run, from the configuration. */
export const policy = checkPolicyOf(config);

/**
 * The scheduler of the functions whose checks run on demand (redirect, merchant sync): such checks
 * never arrange a follow-up (docs/scheduling.md), so those functions carry no Scheduler client and no
 * permission to create schedules.
 */
export const noScheduling: StatusCheckScheduler = {
  schedule: async () => {
    throw new Error('an on-demand status check never schedules');
  },
};

export { clock, lambda, logger } from './common';
