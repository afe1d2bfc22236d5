import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { reportsSettings } from '../../shared/adapters/aws/settings';
import { S3ReportStore } from '../../shared/adapters/s3/report-store';
import { dailyOptions, makeHandler } from '../reconcile';
import { store } from './lib/dynamo';
import { metered, metrics } from './lib/metrics';
import { clock, config, logger, policy } from './lib/runtime';
import { zalopay } from './lib/zalopay';

/** Daily at 02:00 Vietnam time (EventBridge Scheduler): reconciles the day before, report to S3. */
export const handler = metered(
  makeHandler({
    store,
    zalopay,
    clock,
    policy,
    log: logger,
    metrics,
    sleep,
    reports: new S3ReportStore({ client: new S3Client({}), bucket: reportsSettings(process.env).bucket }),
    reconcile: dailyOptions(config.zalopayTimeoutMs),
  }),
);
