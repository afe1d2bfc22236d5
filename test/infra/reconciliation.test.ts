import { REPORT_RETENTION_DAYS, REPORTS_PREFIX } from '../../infra/constructs/reconciliation';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import { DAY_INDEX } from '../../shared/adapters/dynamodb/schema';
import { idsOfType, type Json, type Synthesized, synthesize } from './support';

/** The daily reconciliation on AWS (docs/reconciliation.md §6): schedule, bucket, permissions, alarms. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const TABLE = '<Orders/Table>.Arn';
const resourcesOfType = (type: string): [string, Json][] =>
  idsOfType(s.json, type).map((id) => [id, s.properties(id)]);

describe('the daily reconciliation', () => {
  it('runs at 02:00 Vietnam time from the status checks’ group, as its own scheduler role, dead letters kept', () => {
    const [schedule] = resourcesOfType('AWS::Scheduler::Schedule').filter(([, p]) =>
      String(p.Description).includes('Reconciles'),
    );
    expect(schedule).toBeDefined();
    const props = schedule![1];
    expect(props).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(props.GroupName).toBe(s.properties(idsOfType(s.json, 'AWS::Scheduler::ScheduleGroup')[0]!).Name);
    expect(s.resolve(props.Target.Arn)).toBe('<Reconcile>.Arn');
    expect(s.resolve(props.Target.RoleArn)).toBe('<Reconciliation/SchedulerRole>.Arn');
    expect(s.resolve(props.Target.DeadLetterConfig.Arn)).toBe('<StatusChecks/DeliveryDeadLetters>.Arn');
    // Its role may invoke the reconcile function and nothing else but hand over a failed delivery.
    expect(
      s.permissionsOf(
        idsOfType(s.json, 'AWS::IAM::Role').find(
          (id) => s.resolve({ Ref: id }) === '<Reconciliation/SchedulerRole>',
        )!,
      ),
    ).toEqual([
      'lambda:InvokeFunction <Reconcile>.Arn',
      'lambda:InvokeFunction <Reconcile>.Arn:*',
      // A run it could not deliver goes to the dead letters.
      'sqs:SendMessage <StatusChecks/DeliveryDeadLetters>.Arn',
    ]);
    // A failed run is not run again by Lambda: the Errors alarm tells, and a person reruns the day.
    const [, invokeConfig] = resourcesOfType('AWS::Lambda::EventInvokeConfig').find(
      ([, p]) => s.resolve(p.FunctionName) === '<Reconcile>',
    )!;
    expect(invokeConfig).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 });
  });

  it('writes to a bucket that is encrypted, private, TLS only, and forgets reports after 400 days', () => {
    const buckets = resourcesOfType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(1);
    const [id, bucket] = buckets[0]!;
    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{ Prefix: REPORTS_PREFIX, ExpirationInDays: REPORT_RETENTION_DAYS, Status: 'Enabled' }],
      },
    });
    expect(s.json.Resources[id].DeletionPolicy).toBe('Retain');
    const [, policy] = resourcesOfType('AWS::S3::BucketPolicy')[0]!;
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(s.nagViolations).toEqual([]);
  });

  it('reconcile may read the day index, read and write orders, read the secret and put reports, nothing else', () => {
    const indexArn = `arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/<Orders/Table>/index/${DAY_INDEX.name}`;
    const own = [
      `dynamodb:GetItem ${TABLE}`,
      `dynamodb:PutItem ${TABLE}`,
      `dynamodb:Query ${indexArn}`,
      'secretsmanager:GetSecretValue <ZaloPaySecret>',
    ];
    const logsAndTraces = (construct: string) => [
      `logs:CreateLogStream <${construct}Logs>.Arn`,
      `logs:PutLogEvents <${construct}Logs>.Arn`,
      'xray:PutTelemetryRecords *',
      'xray:PutTraceSegments *',
    ];
    expect(s.permissionsOf(s.roleOf('reconcile'))).toEqual(
      [
        ...logsAndTraces('Reconcile'),
        ...own,
        `s3:PutObject <Reconciliation/Reports>.Arn/${REPORTS_PREFIX}*`,
      ].sort(),
    );
    // The route reconciles a page at a time the same way, and writes no report.
    expect(s.permissionsOf(s.roleOf('reconciliations'))).toEqual(
      [...logsAndTraces('Reconciliations'), ...own].sort(),
    );
    const env = s.properties(s.functionId('reconcile')).Environment.Variables;
    expect(s.resolve(env[AWS_ENV.reportsBucket])).toBe('<Reconciliation/Reports>');
    expect(AWS_ENV.reportsBucket in s.properties(s.functionId('reconciliations')).Environment.Variables).toBe(
      false,
    );
    expect(s.properties(s.functionId('reconcile'))).toMatchObject({ Timeout: 900, MemorySize: 512 });
    // Inside API Gateway's 30 s.
    expect(s.properties(s.functionId('reconciliations'))).toMatchObject({ Timeout: 29 });
  });

  it('alarms on mismatches, unresolved orders and a failed run, to the alarm topic', () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, p]) => p);
    const on = (metric: string) => alarms.find((a) => a.MetricName === metric);
    for (const metric of ['ReconciliationMismatches', 'ReconciliationUnresolved']) {
      expect(on(metric)).toMatchObject({
        Namespace: 'ZaloPayQR',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(on(metric)!.AlarmActions.map(s.resolve)).toEqual(['<Monitoring/Alarms>']);
    }
    const failed = alarms.find(
      (a) =>
        a.MetricName === 'Errors' && a.Dimensions?.some((d: Json) => s.resolve(d.Value) === '<Reconcile>'),
    );
    expect(failed?.AlarmActions.map(s.resolve)).toEqual(['<Monitoring/Alarms>']);
  });

  it('names the reports bucket in the outputs', () => {
    expect(s.resolve(s.json.Outputs.ReportsBucket.Value)).toBe('<Reconciliation/Reports>');
  });
});
