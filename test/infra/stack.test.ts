import { Match } from 'aws-cdk-lib/assertions';
import { API_ROUTES } from '../../functions/routes';
import type { FunctionName } from '../../infra/constructs/app-function';
import { STREAM_BATCH_SIZE, STREAM_RETRY_ATTEMPTS } from '../../local/events/stream';
import { AWS_ENV } from '../../shared/adapters/aws/settings';
import {
  DUE_CHECKS_INDEX,
  REVIEWS_INDEX,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/schema';
import { attemptsWithin, DEFAULT_WEBHOOK_RETRY } from '../../shared/core/webhooks';
import { lambdaEnvironment } from '../support/bundles';
import { SANDBOX } from '../support/sandbox';
import { idsOfType, type Json, type Synthesized, synthesize } from './support';

const EXISTING_SECRET = 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:zalopay-prod-AbC123';
const SHOP = 'https://shop.example';

/**
 * Every word of every string value that looks like a ZaloPay key (32 letters and digits, mixed
 * case, with a digit), except the template's own logical IDs, which are built the same way.
 */
const keyShapedValues = (json: Json): string[] => {
  const logicalIds = new Set(Object.keys(json.Resources));
  const values = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(values) : [];
  return values(json)
    .flatMap((v) => v.split(/[^A-Za-z0-9]+/))
    .filter((w) => /^[A-Za-z0-9]{32}$/.test(w) && /[a-z]/.test(w) && /[A-Z]/.test(w) && /\d/.test(w))
    .filter((w) => !logicalIds.has(w));
};

let sandbox: Synthesized;
let production: Synthesized;
beforeAll(() => {
  sandbox = synthesize();
  production = synthesize({
    zalopayEnv: 'production',
    zalopaySecretArn: EXISTING_SECRET,
    allowedOrigins: `${SHOP}, https://www.shop.example`,
    amountMin: '2000',
    amountMax: '10000000',
    statusCheckDelaySeconds: '900',
    // createOrderAuth left out: api-key is the production default.
    alarmEmail: 'ops@shop.example',
  });
});

const ALL: FunctionName[] = [
  'create-order',
  'get-order',
  'qr',
  'sync-order',
  'order-history',
  'list-reviews',
  'create-refund',
  'read-refunds',
  'cancel-order',
  'redirect',
  'pages',
  'callback',
  'status-check',
  'sweeper',
  'order-events',
  'events-key-renewer',
  'reconciliations',
  'reconcile',
];
/** What order-events' role may do besides its logs and traces. */
const ORDER_EVENTS_PERMISSIONS = [
  'appsync:EventPublish arn:<AWS::Partition>:appsync:<AWS::Region>:<AWS::AccountId>:apis/<Events/Api>.ApiId/channelNamespace/orders',
  'dynamodb:ListStreams *',
  ...['DescribeStream', 'GetRecords', 'GetShardIterator'].map(
    (a) => `dynamodb:${a} <Orders/Table>.StreamArn`,
  ),
  'events:PutEvents <Events/Bus>.Arn',
  ...['GetQueueAttributes', 'GetQueueUrl', 'SendMessage'].map((a) => `sqs:${a} <Events/StreamFailures>.Arn`),
];

const envOf = (s: Synthesized, name: FunctionName): Record<string, unknown> =>
  s.properties(s.functionId(name)).Environment.Variables;

describe('cdk-nag (AwsSolutions)', () => {
  it('has no unacknowledged finding, in sandbox and production', () => {
    expect(sandbox.nagViolations).toEqual([]);
    expect(production.nagViolations).toEqual([]);
  });

  it('acknowledges each finding with a reason, on the resource it concerns', () => {
    const acknowledged = sandbox.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    const ids = new Set(acknowledged.map(([id]) => id.replace(/^annotation::/i, '').replace(/\[.*$/, '')));
    expect([...ids].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
    ]);
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(60);
  });
});

describe('functions', () => {
  it('are Node.js 22 on arm64, traced, with their own log group with retention and no fixed name', () => {
    const ids = idsOfType(sandbox.json, 'AWS::Lambda::Function');
    expect(ids).toHaveLength(ALL.length);
    for (const name of ALL) {
      const p = sandbox.properties(sandbox.functionId(name));
      expect(p).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(p.FunctionName).toBeUndefined();
      expect(sandbox.properties(p.LoggingConfig.LogGroup.Ref)).toEqual({ RetentionInDays: 30 });
      const inProduction = production.properties(production.functionId(name));
      expect(production.properties(inProduction.LoggingConfig.LogGroup.Ref)).toEqual({ RetentionInDays: 90 });
    }
  });

  it('get the app settings, the API URL and the Powertools names, and no NODE_OPTIONS (source maps are read lazily)', () => {
    for (const name of ALL) {
      expect(envOf(sandbox, name).NODE_OPTIONS).toBeUndefined();
      expect(envOf(sandbox, name)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'zalopay-qr-sandbox',
        POWERTOOLS_METRICS_NAMESPACE: 'ZaloPayQR',
        ZALOPAY_API_BASE: 'https://sb-openapi.zalopay.vn',
        LOG_LEVEL: 'info',
      });
      expect(sandbox.resolve(envOf(sandbox, name).PUBLIC_BASE_URL)).toBe('<Api/Api>.ApiEndpoint');
    }
    expect(envOf(production, 'create-order')).toMatchObject({
      ZALOPAY_API_BASE: 'https://openapi.zalopay.vn',
      AMOUNT_MIN: '2000',
      AMOUNT_MAX: '10000000',
      STATUS_CHECK_DELAY_SECONDS: '900',
      CREATE_ORDER_AUTH: 'api-key',
      // The shop's origins also bound where a buyer may be sent back to.
      RETURN_URL_ORIGINS: `${SHOP},https://www.shop.example`,
    });
  });

  it('have the measured memory, overridable by function, and the reserved concurrency of the context', () => {
    const memory = (s: Synthesized, name: FunctionName) => s.properties(s.functionId(name)).MemorySize;
    const reserved = (s: Synthesized, name: FunctionName) =>
      s.properties(s.functionId(name)).ReservedConcurrentExecutions;
    expect(Object.fromEntries(ALL.map((name) => [name, memory(sandbox, name)]))).toEqual({
      'create-order': 512,
      'get-order': 256,
      qr: 512,
      'sync-order': 256,
      'order-history': 256,
      'list-reviews': 256,
      'create-refund': 512,
      'read-refunds': 256,
      'cancel-order': 256,
      redirect: 256,
      pages: 128,
      callback: 512,
      'status-check': 512,
      sweeper: 512,
      'order-events': 256,
      'events-key-renewer': 128,
      reconciliations: 256,
      reconcile: 512,
    });
    expect(Object.fromEntries(ALL.map((name) => [name, reserved(sandbox, name)]))).toEqual({
      'create-order': undefined,
      'get-order': 50,
      qr: undefined,
      'sync-order': undefined,
      'order-history': undefined,
      'list-reviews': undefined,
      redirect: undefined,
      pages: undefined,
      callback: 10,
      'status-check': 10,
      sweeper: 1,
    });
    const tuned = synthesize({
      functionMemory: 'qr=1024',
      callbackConcurrency: '40',
      getOrderConcurrency: '0',
    });
    expect(memory(tuned, 'qr')).toBe(1024);
    expect(reserved(tuned, 'callback')).toBe(40);
    expect(reserved(tuned, 'get-order')).toBeUndefined();
    // An account with a low concurrency quota: no reservation at all, not even the sweeper's.
    const unreserved = synthesize({ reservedConcurrency: 'false' });
    for (const name of ALL) expect(reserved(unreserved, name)).toBeUndefined();
    expect(() => synthesize({ functionMemory: 'checkout=256' })).toThrow(
      /functionMemory: no function named checkout/,
    );
  });

  it('trace with Lambda alone, or with the OpenTelemetry layer when the context names one', () => {
    for (const name of ALL) {
      expect(sandbox.properties(sandbox.functionId(name)).Layers).toBeUndefined();
      expect(envOf(sandbox, name).AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    }
    const layer = 'arn:aws:lambda:ap-southeast-1:615299751070:layer:AWSOpenTelemetryDistroJs:6';
    const traced = synthesize({ openTelemetryLayerArn: layer });
    for (const name of ALL) {
      expect(traced.properties(traced.functionId(name)).Layers).toEqual([layer]);
      expect(envOf(traced, name).AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/otel-instrument');
    }
  });

  it('get only the resources they use: table, secret and scheduler variables', () => {
    const uses = (name: FunctionName) => {
      const env = envOf(sandbox, name);
      return [AWS_ENV.tableName, AWS_ENV.secretArn, AWS_ENV.scheduleGroup, AWS_ENV.statusCheckArn].filter(
        (key) => key in env,
      );
    };
    expect(Object.fromEntries(ALL.map((name) => [name, uses(name)]))).toEqual({
      'create-order': [
        'TABLE_NAME',
        'ZALOPAY_SECRET_ARN',
        'STATUS_CHECK_SCHEDULE_GROUP',
        'STATUS_CHECK_FUNCTION_ARN',
      ],
      // The merchant key: ids we never issued (orphan payments) are read with it.
      'get-order': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      qr: ['TABLE_NAME'],
      'sync-order': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      'order-history': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      'list-reviews': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      // Schedules the follow-up of a refund ZaloPay is still processing.
      'create-refund': [
        'TABLE_NAME',
        'ZALOPAY_SECRET_ARN',
        'STATUS_CHECK_SCHEDULE_GROUP',
        'STATUS_CHECK_FUNCTION_ARN',
      ],
      'read-refunds': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      'cancel-order': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      redirect: ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      pages: [],
      callback: ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      // Its own ARN cannot be in its environment: it learns it from the invocation.
      'status-check': ['TABLE_NAME', 'ZALOPAY_SECRET_ARN', 'STATUS_CHECK_SCHEDULE_GROUP'],
      sweeper: [
        'TABLE_NAME',
        'ZALOPAY_SECRET_ARN',
        'STATUS_CHECK_SCHEDULE_GROUP',
        'STATUS_CHECK_FUNCTION_ARN',
      ],
      'order-events': [],
      'events-key-renewer': [],
      reconciliations: ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
      reconcile: ['TABLE_NAME', 'ZALOPAY_SECRET_ARN'],
    });
    const s = sandbox;
    expect(s.resolve(envOf(s, 'get-order').TABLE_NAME)).toBe('<Orders/Table>');
    expect(s.resolve(envOf(s, 'callback').ZALOPAY_SECRET_ARN)).toBe('<ZaloPaySecret>');
    expect(s.resolve(envOf(production, 'callback').ZALOPAY_SECRET_ARN)).toBe(EXISTING_SECRET);
    for (const name of ['create-order', 'create-refund', 'sweeper'] as const) {
      expect(s.resolve(envOf(s, name).STATUS_CHECK_FUNCTION_ARN)).toBe('<StatusCheck>.Arn');
    }
    for (const name of ['create-order', 'create-refund', 'status-check', 'sweeper'] as const) {
      expect(envOf(s, name)).toMatchObject({
        STATUS_CHECK_SCHEDULE_GROUP: s.properties(idsOfType(s.json, 'AWS::Scheduler::ScheduleGroup')[0]!)
          .Name,
      });
      expect(s.resolve(envOf(s, name).STATUS_CHECK_SCHEDULER_ROLE_ARN)).toBe(
        '<StatusChecks/SchedulerRole>.Arn',
      );
      expect(s.resolve(envOf(s, name).STATUS_CHECK_DLQ_ARN)).toBe('<StatusChecks/DeliveryDeadLetters>.Arn');
    }
  });

  it('send the callback Function URL to ZaloPay with every order, and name it in the API document', () => {
    for (const name of ALL) {
      const url = envOf(sandbox, name).ZALOPAY_CALLBACK_URL;
      if (name === 'create-order' || name === 'pages') {
        expect(sandbox.resolve(url)).toBe('<Callback/FunctionUrl>.FunctionUrl');
      } else expect(url).toBeUndefined();
    }
  });
});

describe('IAM: each function may do what it needs and nothing else', () => {
  const TABLE = '<Orders/Table>.Arn';
  const indexArn = (name: string) =>
    `arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/<Orders/Table>/index/${name}`;
  const INDEX = indexArn(DUE_CHECKS_INDEX.name);
  const SECRET = 'secretsmanager:GetSecretValue <ZaloPaySecret>';
  const schedules = (s: Synthesized) => {
    const group = s.properties(idsOfType(s.json, 'AWS::Scheduler::ScheduleGroup')[0]!).Name;
    return [
      'iam:PassRole <StatusChecks/SchedulerRole>.Arn if {"StringEquals":{"iam:PassedToService":"scheduler.amazonaws.com"}}',
      `scheduler:CreateSchedule arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*`,
    ];
  };
  const logsAndTraces = (construct: string) => [
    `logs:CreateLogStream <${construct}Logs>.Arn`,
    `logs:PutLogEvents <${construct}Logs>.Arn`,
    'xray:PutTelemetryRecords *',
    'xray:PutTraceSegments *',
  ];
  const read = [`dynamodb:GetItem ${TABLE}`];
  const write = [`dynamodb:GetItem ${TABLE}`, `dynamodb:PutItem ${TABLE}`];

  it.each<[FunctionName, string, (s: Synthesized) => string[]]>([
    [
      'create-order',
      'CreateOrder',
      (s) => [
        `dynamodb:DeleteItem ${TABLE}`,
        ...write,
        `dynamodb:UpdateItem ${TABLE}`,
        SECRET,
        ...schedules(s),
      ],
    ],
    ['get-order', 'GetOrder', () => [...read, SECRET]],
    ['qr', 'Qr', () => read],
    ['sync-order', 'SyncOrder', () => [...write, SECRET]],
    ['order-history', 'OrderHistory', () => [...read, `dynamodb:Query ${TABLE}`, SECRET]],
    // The reviews index only: no read of the table itself, no scan.
    ['list-reviews', 'ListReviews', () => [`dynamodb:Query ${indexArn(REVIEWS_INDEX.name)}`, SECRET]],
    // The refund ledger is in the order item: a conditional PutItem, the idempotency record, and
    // the schedule of a processing refund's follow-up.
    [
      'create-refund',
      'CreateRefund',
      (s) => [
        `dynamodb:DeleteItem ${TABLE}`,
        ...write,
        `dynamodb:UpdateItem ${TABLE}`,
        SECRET,
        ...schedules(s),
      ],
    ],
    ['read-refunds', 'ReadRefunds', () => [...read, SECRET]],
    // No ZaloPay call (it has no cancel), no schedule: the order's own checks go on.
    ['cancel-order', 'CancelOrder', () => [...write, SECRET]],
    ['redirect', 'Redirect', () => [...write, SECRET]],
    ['pages', 'Pages', () => []],
    ['callback', 'Callback', () => [...write, SECRET]],
    [
      'status-check',
      'StatusCheck',
      (s) => [
        ...write,
        SECRET,
        ...schedules(s),
        // Lambda itself sends a failed check to the on-failure destination, as the function's role.
        ...['GetQueueAttributes', 'GetQueueUrl', 'SendMessage'].map(
          (a) => `sqs:${a} <StatusChecks/CheckFailures>.Arn`,
        ),
      ],
    ],
    ['sweeper', 'Sweeper', (s) => [...write, `dynamodb:Query ${INDEX}`, SECRET, ...schedules(s)]],
    // The stream, its on-failure queue, publishing to the orders namespace only, the stack's bus only.
    ['order-events', 'OrderEvents', () => ORDER_EVENTS_PERMISSIONS],
    // The pages' key, and no other key or API.
    ['events-key-renewer', 'EventsKeyRenewer', () => ['appsync:UpdateApiKey <Events/Api/pagesApiKey>.Arn']],
  ])('%s', (name, construct, expected) => {
    expect(sandbox.permissionsOf(sandbox.roleOf(name))).toEqual(
      [...logsAndTraces(construct), ...expected(sandbox)].sort(),
    );
  });

  it('roles of functions trust Lambda only and carry no managed policy', () => {
    for (const name of ALL) {
      const role = sandbox.properties(sandbox.roleOf(name));
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
    }
  });

  it('an existing secret is read by its ARN, and no secret is created', () => {
    expect(idsOfType(production.json, 'AWS::SecretsManager::Secret')).toEqual([]);
    expect(production.permissionsOf(production.roleOf('callback'))).toContain(
      `secretsmanager:GetSecretValue ${EXISTING_SECRET}`,
    );
  });
});

describe('status checks: EventBridge Scheduler', () => {
  it('the execution role trusts only this group’s schedules and may invoke only status-check', () => {
    const s = sandbox;
    const roleId = s.stack.getLogicalId(
      s.stack.node.findChild('StatusChecks').node.findChild('SchedulerRole').node.defaultChild as never,
    );
    const trust = s.properties(roleId).AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(s.resolve(trust[0].Condition.ArnEquals['aws:SourceArn'])).toBe('<StatusChecks/Group>.Arn');
    expect(s.resolve(trust[0].Condition.StringEquals['aws:SourceAccount'])).toBe('<AWS::AccountId>');
    expect(s.permissionsOf(roleId)).toEqual([
      'lambda:InvokeFunction <StatusCheck>.Arn',
      'sqs:SendMessage <StatusChecks/DeliveryDeadLetters>.Arn',
    ]);
  });

  const invokeConfigOf = (fn: string) =>
    idsOfType(sandbox.json, 'AWS::Lambda::EventInvokeConfig')
      .map((id) => sandbox.properties(id))
      .find((config) => sandbox.resolve(config.FunctionName) === fn);

  it('errors inside status-check are retried twice by Lambda, then kept in their own queue', () => {
    const config = invokeConfigOf('<StatusCheck>');
    expect(config).toMatchObject({ MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
    expect(sandbox.resolve(config!.DestinationConfig.OnFailure.Destination)).toBe(
      '<StatusChecks/CheckFailures>.Arn',
    );
  });

  it('the sweeper runs every 5 minutes in the group, one run at a time: no retries, the dead-letter queue', () => {
    const [schedule] = idsOfType(sandbox.json, 'AWS::Scheduler::Schedule').map((id) =>
      sandbox.properties(id),
    );
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 240 } },
    });
    expect(invokeConfigOf('<Sweeper>')).toMatchObject({
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 240,
    });
    expect(sandbox.properties(sandbox.functionId('sweeper'))).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 280,
    });
    expect(schedule!.Name).toBeUndefined();
    expect(schedule!.GroupName).toBe(
      sandbox.properties(idsOfType(sandbox.json, 'AWS::Scheduler::ScheduleGroup')[0]!).Name,
    );
    expect(sandbox.resolve(schedule!.Target.Arn)).toBe('<Sweeper>.Arn');
    expect(sandbox.resolve(schedule!.Target.DeadLetterConfig.Arn)).toBe(
      '<StatusChecks/DeliveryDeadLetters>.Arn',
    );
    const sweeperRole = schedule!.Target.RoleArn['Fn::GetAtt'][0];
    expect(sandbox.permissionsOf(sweeperRole)).toEqual([
      'lambda:InvokeFunction <Sweeper>.Arn',
      'lambda:InvokeFunction <Sweeper>.Arn:*',
      'sqs:SendMessage <StatusChecks/DeliveryDeadLetters>.Arn',
    ]);
  });

  it('the schedule group goes with the stack, so a redeploy can create it again', () => {
    sandbox.template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Delete' });
  });

  it('every failure queue requires TLS, is encrypted and keeps messages 14 days', () => {
    const queues = idsOfType(sandbox.json, 'AWS::SQS::Queue');
    expect(queues.map((id) => sandbox.resolve({ Ref: id })).sort()).toEqual([
      '<Events/StreamFailures>',
      '<StatusChecks/CheckFailures>',
      '<StatusChecks/DeliveryDeadLetters>',
    ]);
    for (const id of queues) {
      expect(sandbox.properties(id)).toEqual({
        MessageRetentionPeriod: 1_209_600,
        SqsManagedSseEnabled: true,
      });
    }
    sandbox.template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      3,
    );
  });
});

describe('the table', () => {
  it('is schema.ts: keys, the overdue-check, reviews and orders-by-day indexes and their projections, TTL', () => {
    expect(idsOfType(sandbox.json, 'AWS::DynamoDB::Table')).toHaveLength(1);
    sandbox.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'due-checks',
          KeySchema: [
            { AttributeName: 'dueShard', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['appTransId', 'nextCheck'] },
        },
        {
          IndexName: 'reviews',
          KeySchema: [
            { AttributeName: 'reviewQueue', KeyType: 'HASH' },
            { AttributeName: 'reviewAt', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: [
              'appTransId',
              'status',
              'review',
              'amount',
              'paidAmount',
              'zpTransId',
              'createdAt',
            ],
          },
        },
        {
          IndexName: 'orders-by-day',
          KeySchema: [
            { AttributeName: 'dayShard', KeyType: 'HASH' },
            { AttributeName: 'dayOrder', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('is on demand, recoverable to any point, protected and retained in every stage', () => {
    for (const s of [sandbox, production]) {
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          TableName: Match.absent(),
        }),
      });
    }
  });
});

describe('the HTTP API', () => {
  const routeTargets = (s: Synthesized) =>
    Object.fromEntries(
      idsOfType(s.json, 'AWS::ApiGatewayV2::Route').map((id) => {
        const route = s.properties(id);
        const integration = s.properties(route.Target['Fn::Join'][1][1].Ref);
        return [route.RouteKey, s.resolve(integration.IntegrationUri).replace(/^<|>\.Arn$/g, '')];
      }),
    );

  it('serves the routes of functions/routes.ts, each by its function (demo pages in sandbox, the webhook ones with a webhook)', () => {
    const construct = (fn: string) =>
      fn.replace(/(^|-)([a-z])/g, (_: string, _d: string, c: string) => c.toUpperCase());
    const targets = (routes: readonly (typeof API_ROUTES)[number][]) =>
      Object.fromEntries(routes.map((r) => [`${r.method} ${r.path}`, construct(r.function)]));
    expect(routeTargets(sandbox)).toEqual(targets(API_ROUTES.filter((r) => !r.webhook)));
    expect(routeTargets(synthesize({ webhookUrl: 'https://shop.example/hooks' }))).toEqual(
      targets(API_ROUTES),
    );
  });

  it('leaves the demo pages out in production unless asked for, but always serves the API document', () => {
    expect(Object.keys(routeTargets(production)).sort()).toEqual(
      API_ROUTES.filter((r) => !r.demo && !r.webhook)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    const withPages = synthesize({ zalopayEnv: 'production', demoPages: 'true' });
    expect(Object.keys(routeTargets(withPages))).toContain('GET /');
    const withoutPages = synthesize({ demoPages: false });
    expect(Object.keys(routeTargets(withoutPages))).not.toContain('GET /result');
    expect(routeTargets(production)['GET /openapi.json']).toBe('Pages');
  });

  it('throttles, logs access without query strings, and allows CORS only from the configured origins', () => {
    const stage = (s: Synthesized) => s.properties(idsOfType(s.json, 'AWS::ApiGatewayV2::Stage')[0]!);
    expect(stage(sandbox)).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const format = stage(sandbox).AccessLogSettings.Format as string;
    expect(format).toContain('$context.requestId');
    expect(format).not.toMatch(/querystring|header|body/i);
    const api = (s: Synthesized) => s.properties(idsOfType(s.json, 'AWS::ApiGatewayV2::Api')[0]!);
    expect(api(sandbox).CorsConfiguration).toBeUndefined();
    expect(api(production).CorsConfiguration).toEqual({
      AllowOrigins: [SHOP, 'https://www.shop.example'],
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['content-type', 'idempotency-key'],
      MaxAge: 3600,
    });
    expect(stage(synthesize({ throttleRateLimit: 5, throttleBurstLimit: 10 })).DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
  });

  it('the callback is on a public Function URL (it authenticates by MAC), the only one', () => {
    const urls = idsOfType(sandbox.json, 'AWS::Lambda::Url').map((id) => sandbox.properties(id));
    expect(urls).toHaveLength(1);
    expect(urls[0]!.AuthType).toBe('NONE');
    expect(sandbox.resolve(urls[0]!.TargetFunctionArn)).toBe('<Callback>.Arn');
  });
});

describe('the secret', () => {
  it('is created with placeholders and a generated merchant API key', () => {
    sandbox.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ appId: 0, key1: 'REPLACE_ME', key2: 'REPLACE_ME' }),
        GenerateStringKey: 'merchantApiKey',
        PasswordLength: 40,
      },
      Name: Match.absent(),
    });
  });

  it('no key, not even a public sandbox key, is in any template', () => {
    for (const s of [sandbox, production]) {
      const text = JSON.stringify(s.json);
      expect(text).not.toContain(SANDBOX.key1);
      expect(text).not.toContain(SANDBOX.key2);
      expect(keyShapedValues(s.json)).toEqual([]);
    }
    expect(keyShapedValues({ Resources: {}, x: { y: [`{"key1":"${SANDBOX.key1}"}`] } })).toEqual([
      SANDBOX.key1,
    ]);
  });
});

describe('operations', () => {
  const alarms = (s: Synthesized) =>
    idsOfType(s.json, 'AWS::CloudWatch::Alarm').map((id) => s.properties(id));
  const metricAlarm = (s: Synthesized, metricName: string) =>
    alarms(s).find((a) => a.MetricName === metricName);

  it('alarms on MAC failures, orders in REVIEW, dead letters, ZaloPay errors, function errors and throttles', () => {
    const service = [{ Name: 'service', Value: 'zalopay-qr-sandbox' }];
    expect(metricAlarm(sandbox, 'CallbackRejected')).toMatchObject({
      Namespace: 'ZaloPayQR',
      Dimensions: service,
      Statistic: 'Sum',
      Period: 900,
      Threshold: 3,
    });
    expect(metricAlarm(sandbox, 'OrderReview')).toMatchObject({
      Namespace: 'ZaloPayQR',
      Dimensions: service,
      Threshold: 1,
    });
    const queues = alarms(sandbox)
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => sandbox.resolve(a.Dimensions[0].Value));
    expect(queues.sort()).toEqual([
      '<Events/StreamFailures>.QueueName',
      '<StatusChecks/CheckFailures>.QueueName',
      '<StatusChecks/DeliveryDeadLetters>.QueueName',
    ]);
    // Renewed daily: two days without a renewal alarm, and so does a missing metric.
    expect(metricAlarm(sandbox, 'EventsKeyRenewed')).toMatchObject({
      Namespace: 'ZaloPayQR',
      Dimensions: service,
      Period: 86_400,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    const expressions = (label: string) =>
      alarms(sandbox).filter((a) =>
        a.Metrics?.some((m: { Label?: string }) => m.Label === label || m.Label?.startsWith(`${label} (`)),
      );
    const expression = (label: string) => expressions(label)[0];
    const zalopay = expression('ZaloPay error rate (%)');
    expect(zalopay).toMatchObject({ Threshold: 20 });
    const used = zalopay!.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName,
    );
    expect(used.sort()).toEqual([
      'OrderCreateRejected',
      'OrderCreateUnknown',
      'OrderCreated',
      'StatusCheckRun',
      'ZaloPayError',
    ]);
    for (const [label, metric] of [
      ['Function errors', 'Errors'],
      ['Throttles', 'Throttles'],
    ]) {
      // CloudWatch takes at most 10 metrics per alarm: the functions are spread over as many as it takes.
      const functions = expressions(label!).flatMap((alarm) => {
        const stats = alarm.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat);
        expect(stats.length).toBeLessThanOrEqual(10);
        return stats.map(
          (m: { MetricStat: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } } }) => {
            expect(m.MetricStat.Metric.MetricName).toBe(metric);
            return sandbox.resolve(m.MetricStat.Metric.Dimensions[0]!.Value);
          },
        );
      });
      expect(new Set(functions).size).toBe(ALL.length);
    }
    const topic = idsOfType(sandbox.json, 'AWS::SNS::Topic')[0]!;
    for (const alarm of alarms(sandbox)) expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
    // The reconciliation's three (test/infra/reconciliation.test.ts) are among them.
    expect(alarms(sandbox)).toHaveLength(15 + 3);
  });

  it('alarms on a refund still processing when its follow-ups end (47 h)', () => {
    expect(metricAlarm(sandbox, 'RefundUnresolved')).toMatchObject({
      Namespace: 'ZaloPayQR',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: idsOfType(sandbox.json, 'AWS::SNS::Topic')[0]! }],
    });
  });

  it('alarms when a check is lost: a schedule not created, not delivered, or found overdue by the sweeper', () => {
    const service = [{ Name: 'service', Value: 'zalopay-qr-sandbox' }];
    for (const metric of ['StatusCheckScheduleFailed', 'SweptOrders']) {
      expect(metricAlarm(sandbox, metric)).toMatchObject({
        Namespace: 'ZaloPayQR',
        Dimensions: service,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    const deliveries = alarms(sandbox).find((a) =>
      a.Metrics?.some((m: { Label?: string }) => m.Label === 'Failed schedule deliveries'),
    );
    const group = idsOfType(sandbox.json, 'AWS::Scheduler::ScheduleGroup')[0]!;
    const used = deliveries!.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: {
        MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: { Value: unknown }[] } };
      }) => {
        expect(m.MetricStat.Metric.Namespace).toBe('AWS/Scheduler');
        expect(m.MetricStat.Metric.Dimensions.map((d) => d.Value)).toEqual([sandbox.properties(group).Name]);
        return m.MetricStat.Metric.MetricName;
      },
    );
    expect(used.sort()).toEqual([
      'InvocationDroppedCount',
      'InvocationsFailedToBeSentToDeadLetterCount',
      'InvocationsSentToDeadLetterCount',
      'TargetErrorCount',
    ]);
    expect(deliveries).toMatchObject({ Threshold: 1 });
  });

  it('has a dashboard, an email subscription when asked, and the outputs a merchant needs', () => {
    sandbox.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    sandbox.template.resourceCountIs('AWS::SNS::Subscription', 0);
    production.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@shop.example',
    });
    const outputs = sandbox.json.Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiDocumentUrl',
      'ApiUrl',
      'CallbackUrl',
      'DashboardUrl',
      'EventBusArn',
      'EventsRealtimeUrl',
      'ReportsBucket',
      'SecretName',
    ]);
    expect(sandbox.resolve(outputs.ApiUrl!.Value)).toBe('<Api/Api>.ApiEndpoint');
    expect(sandbox.resolve(outputs.ApiDocumentUrl!.Value)).toBe('<Api/Api>.ApiEndpoint/openapi.json');
    expect(sandbox.resolve(outputs.CallbackUrl!.Value)).toBe('<Callback/FunctionUrl>.FunctionUrl');
    expect(sandbox.resolve(outputs.DashboardUrl!.Value)).toBe(
      'https://<AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<AWS::Region>#dashboards:name=<Monitoring/Dashboard>',
    );
  });
});

describe('order events (docs/events.md)', () => {
  const WEBHOOK = 'https://shop.example/hooks/zalopay';
  const BUS = 'arn:aws:events:ap-southeast-1:123456789012:event-bus/shop-orders';
  let withWebhook: Synthesized;
  beforeAll(() => {
    withWebhook = synthesize({ webhookUrl: WEBHOOK, eventBusArn: BUS });
  });
  const mappings = (s: Synthesized) =>
    idsOfType(s.json, 'AWS::Lambda::EventSourceMapping').map((id) => s.properties(id));
  const mappingOf = (s: Synthesized, name: FunctionName) =>
    mappings(s).find((m) => m.FunctionName.Ref === s.functionId(name));

  it('the table streams old and new images to order-events: order items only, partial batches, bisect, bounded retries, on-failure queue', () => {
    const table = sandbox.properties(idsOfType(sandbox.json, 'AWS::DynamoDB::Table')[0]!);
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const mapping = mappingOf(sandbox, 'order-events')!;
    expect(sandbox.resolve(mapping.EventSourceArn)).toBe('<Orders/Table>.StreamArn');
    expect(mapping).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      // As the local change feed hands them over (local/events/stream.ts).
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      MaximumRecordAgeInSeconds: 86_400,
      ParallelizationFactor: 1,
      BatchSize: STREAM_BATCH_SIZE,
      StartingPosition: 'TRIM_HORIZON',
    });
    expect(sandbox.resolve(mapping.DestinationConfig.OnFailure.Destination)).toBe(
      '<Events/StreamFailures>.Arn',
    );
    expect(mapping.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { Keys: { [TABLE_KEYS.sortKey]: { S: ['ORDER'] } } } },
    ]);
    expect(sandbox.resolve(envOf(sandbox, 'order-events').EVENTS_HTTP_ENDPOINT)).toBe(
      'https://<Events/Api>.Dns.Http/event',
    );
    expect(sandbox.resolve(envOf(sandbox, 'order-events').EVENT_BUS)).toBe('<Events/Bus>.Arn');
  });

  it('the Event API: API key to subscribe, IAM to publish, a subscribe handler refusing wildcards', () => {
    const api = sandbox.properties(idsOfType(sandbox.json, 'AWS::AppSync::Api')[0]!);
    expect(api.EventConfig).toMatchObject({
      AuthProviders: [{ AuthType: 'API_KEY' }, { AuthType: 'AWS_IAM' }],
      DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      DefaultSubscribeAuthModes: [{ AuthType: 'API_KEY' }],
    });
    const [namespace, ...others] = idsOfType(sandbox.json, 'AWS::AppSync::ChannelNamespace').map((id) =>
      sandbox.properties(id),
    );
    expect(others).toEqual([]);
    expect(namespace).toMatchObject({
      Name: 'orders',
      PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      SubscribeAuthModes: [{ AuthType: 'API_KEY' }],
    });
    // The one publisher is order-events: no other role mentions AppSync Events.
    for (const name of ALL.filter((n) => n !== 'order-events')) {
      expect(
        sandbox.permissionsOf(sandbox.roleOf(name)).filter((p) => p.startsWith('appsync:Event')),
      ).toEqual([]);
    }
    expect(
      sandbox.permissionsOf(sandbox.roleOf('order-events')).filter((p) => p.startsWith('appsync:')),
    ).toEqual([
      'appsync:EventPublish arn:<AWS::Partition>:appsync:<AWS::Region>:<AWS::AccountId>:apis/<Events/Api>.ApiId/channelNamespace/orders',
    ]);
    const key = sandbox.properties(idsOfType(sandbox.json, 'AWS::AppSync::ApiKey')[0]!);
    // CloudFormation's expiry is fixed at synth; the renewer moves it daily.
    expect(key.Expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);
    expect(key.Expires * 1000 - Date.now()).toBeLessThanOrEqual(365 * 24 * 3600 * 1000);
  });

  it("the subscribe handler refuses wildcards and anything but one order's channel", async () => {
    const code = namespaceCode(sandbox);
    const refused = Symbol('unauthorized');
    const decide = (path: string) => {
      const module = { onSubscribe: undefined as unknown as (ctx: unknown) => void };
      const util = {
        unauthorized: () => {
          throw refused;
        },
      };
      new Function(
        'util',
        'module',
        code.replace(/^import .*$/m, '').replace('export function', 'module.onSubscribe = function'),
      )(util, module);
      try {
        module.onSubscribe({ info: { channel: { path, segments: path.split('/').filter(Boolean) } } });
        return 'allowed';
      } catch (error) {
        if (error === refused) return 'refused';
        throw error;
      }
    };
    expect(decide('/orders/261128-4kTq9ZbX2mLp7RvN3sWc0e')).toBe('allowed');
    for (const path of [
      '/orders/*',
      '/orders',
      '/orders/261128-abc/*',
      '/orders/261128-abc/x',
      '/orders/anything',
      '/*',
    ])
      expect([path, decide(path)]).toEqual([path, 'refused']);
  });

  it('the pages get the real-time URL, the HTTP host and the key; the renewer runs daily on that key', () => {
    const env = envOf(sandbox, 'pages');
    expect(sandbox.resolve(env.EVENTS_REALTIME_URL)).toBe('wss://<Events/Api>.Dns.Realtime/event/realtime');
    expect(sandbox.resolve(env.EVENTS_HTTP_HOST)).toBe('<Events/Api>.Dns.Http');
    expect(sandbox.resolve(env.EVENTS_API_KEY)).toBe('<Events/Api/pagesApiKey>.ApiKey');
    const renewer = envOf(sandbox, 'events-key-renewer');
    expect(sandbox.resolve(renewer.EVENTS_API_ID)).toBe('<Events/Api>.ApiId');
    expect(sandbox.resolve(renewer.EVENTS_API_KEY_ID)).toBe('<Events/Api/pagesApiKey>.ApiKeyId');
    const rule = sandbox.properties(idsOfType(sandbox.json, 'AWS::Events::Rule')[0]!);
    expect(rule.ScheduleExpression).toBe('rate(1 day)');
    expect(sandbox.resolve(rule.Targets[0].Arn)).toBe('<EventsKeyRenewer>.Arn');
  });

  it('the bus: created by the stack, or the eventBusArn one, and order-events may put on it only', () => {
    sandbox.template.resourceCountIs('AWS::Events::EventBus', 1);
    withWebhook.template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(envOf(withWebhook, 'order-events').EVENT_BUS).toBe(BUS);
    expect(
      withWebhook.permissionsOf(withWebhook.roleOf('order-events')).filter((p) => p.startsWith('events:')),
    ).toEqual([`events:PutEvents ${BUS}`]);
  });

  it('with webhookUrl: a delivery queue (redrive to dead letters past 24 h of attempts), its consumer and alarm', () => {
    expect(envOf(sandbox, 'order-events').WEBHOOK_QUEUE_URL).toBeUndefined();
    expect(sandbox.stack.functions['webhook-delivery']).toBeUndefined();
    const s = withWebhook;
    const queues = Object.fromEntries(
      idsOfType(s.json, 'AWS::SQS::Queue').map((id) => [s.resolve({ Ref: id }), s.properties(id)]),
    );
    const deliveries = queues['<Events/WebhookDeliveries>']!;
    expect(deliveries).toMatchObject({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    expect(s.resolve(deliveries.RedrivePolicy.deadLetterTargetArn)).toBe('<Events/WebhookDeadLetters>.Arn');
    expect(deliveries.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(
      attemptsWithin(DEFAULT_WEBHOOK_RETRY),
    );
    expect(deliveries.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 30);
    const mapping = mappingOf(s, 'webhook-delivery')!;
    expect(s.resolve(mapping.EventSourceArn)).toBe('<Events/WebhookDeliveries>.Arn');
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(envOf(s, 'webhook-delivery')).toMatchObject({ WEBHOOK_URL: WEBHOOK });
    expect(s.resolve(envOf(s, 'order-events').WEBHOOK_QUEUE_URL)).toBe('<Events/WebhookDeliveries>');
    expect(s.permissionsOf(s.roleOf('order-events')).filter((p) => p.startsWith('sqs:SendMessage'))).toEqual([
      'sqs:SendMessage <Events/StreamFailures>.Arn',
      'sqs:SendMessage <Events/WebhookDeliveries>.Arn',
    ]);
    expect(s.permissionsOf(s.roleOf('webhook-delivery')).filter((p) => !/^(logs|xray):/.test(p))).toEqual(
      [
        'secretsmanager:GetSecretValue <ZaloPaySecret>',
        ...[
          'ChangeMessageVisibility',
          'DeleteMessage',
          'GetQueueAttributes',
          'GetQueueUrl',
          'ReceiveMessage',
        ].map((a) => `sqs:${a} <Events/WebhookDeliveries>.Arn`),
        ...['GetQueueAttributes', 'GetQueueUrl', 'SendMessage'].map(
          (a) => `sqs:${a} <Events/WebhookDeadLetters>.Arn`,
        ),
      ].sort(),
    );
    const alarmed = idsOfType(s.json, 'AWS::CloudWatch::Alarm')
      .map((id) => s.properties(id))
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => s.resolve(a.Dimensions[0].Value));
    expect(alarmed).toContain('<Events/WebhookDeadLetters>.QueueName');
    expect(s.nagViolations).toEqual([]);
  });

  it("with webhookUrl: the dead-letter routes' function reads and deletes dead letters, and sends to the delivery queue only", () => {
    expect(sandbox.stack.functions['dead-letters']).toBeUndefined();
    const s = withWebhook;
    expect(s.permissionsOf(s.roleOf('dead-letters')).filter((p) => !/^(logs|xray):/.test(p))).toEqual(
      [
        'secretsmanager:GetSecretValue <ZaloPaySecret>',
        ...['GetQueueAttributes', 'GetQueueUrl', 'SendMessage'].map(
          (a) => `sqs:${a} <Events/WebhookDeliveries>.Arn`,
        ),
        ...[
          'ChangeMessageVisibility',
          'DeleteMessage',
          'GetQueueAttributes',
          'GetQueueUrl',
          'ReceiveMessage',
        ].map((a) => `sqs:${a} <Events/WebhookDeadLetters>.Arn`),
      ].sort(),
    );
    expect(s.resolve(envOf(s, 'dead-letters').WEBHOOK_QUEUE_URL)).toBe('<Events/WebhookDeliveries>');
    expect(s.resolve(envOf(s, 'dead-letters').WEBHOOK_DLQ_URL)).toBe('<Events/WebhookDeadLetters>');
    const routes = (x: Synthesized) =>
      idsOfType(x.json, 'AWS::ApiGatewayV2::Route').map((id) => x.properties(id).RouteKey as string);
    expect(routes(s)).toEqual(
      expect.arrayContaining(['GET /webhooks/dead-letters', 'POST /webhooks/dead-letters/replay']),
    );
    expect(routes(sandbox).filter((r) => r.includes('/webhooks'))).toEqual([]);
  });
});

/** The subscribe handler's APPSYNC_JS code, as deployed. */
const namespaceCode = (s: Synthesized): string =>
  s.properties(idsOfType(s.json, 'AWS::AppSync::ChannelNamespace')[0]!).CodeHandlers;

describe('the Lambda environment the bundle tests and bench give', () => {
  /** Every variable name the template gives any function. */
  const variablesOf = ({ json }: Synthesized): string[] =>
    [
      ...new Set(
        idsOfType(json, 'AWS::Lambda::Function').flatMap((id) =>
          Object.keys(json.Resources[id].Properties.Environment?.Variables ?? {}),
        ),
      ),
    ].sort();

  it('has every variable any function of the stack is given, with and without a webhook', () => {
    const given = Object.keys(lambdaEnvironment());
    const withWebhook = synthesize({ webhookUrl: 'https://shop.example/hooks' });
    for (const stack of [sandbox, withWebhook]) {
      const variables = variablesOf(stack);
      // Not vacuous: the template's own variables are read.
      expect(variables).toEqual(expect.arrayContaining([AWS_ENV.tableName, AWS_ENV.eventsApiId]));
      expect(variables.filter((name) => !given.includes(name))).toEqual([]);
    }
  });
});
