import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  type DescribeAutoScalingGroupsCommandInput,
  type DescribeLaunchConfigurationsCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  GetComplianceDetailsByConfigRuleCommand,
  type EvaluationResult,
  type GetComplianceDetailsByConfigRuleCommandInput,
} from '@aws-sdk/client-config-service';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeInstancesCommandInput,
  type DescribeLaunchTemplatesCommandInput,
  type DescribeLaunchTemplateVersionsCommandInput,
} from '@aws-sdk/client-ec2';
import { MalformedEventError, ResourceFetchError } from '../../lambda/kit/errors';
import { withEnv } from '../integration/harness/env';
import { DEFAULT_TIME_RESERVE_MS, SMALL_FUNCTION_SWEEP_KEEP_LIMIT } from '../../lambda/kit/run-rule';
import {
  OPTIONAL,
  REQUIRED,
  RESOURCE_RULES,
  SCHEDULED_TIME,
  autoScalingGroupRecord,
  awsError,
  ec2Instance,
  fixture,
  handlerFor,
  harness,
  lambdaContext,
  launchConfigurationRecord,
  templateVersion,
  type Harness,
  type ResourceRuleCase,
} from './support';

const byId = (id: string) => RESOURCE_RULES.find((r) => r.id === id)!;

function result(
  type: string,
  id: string,
  complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA' = 'COMPLIANT',
  annotation?: string,
): EvaluationResult {
  return {
    EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'x', ResourceType: type, ResourceId: id }, OrderingTimestamp: new Date('2024-05-13T12:00:00Z') },
    ComplianceType: complianceType,
    ...(annotation === undefined ? {} : { Annotation: annotation }),
  };
}

/** What Config holds after recording `sent`, as GetComplianceDetailsByConfigRule returns it. */
const held = (sent: readonly { ComplianceResourceType: string; ComplianceResourceId: string; ComplianceType: string; Annotation: string }[]) =>
  sent.map((e) => result(e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType as 'COMPLIANT', e.Annotation || undefined));

/** GetComplianceDetailsByConfigRule answering `pages` in turn, chained by NextToken. */
function mockResults(h: Harness, pages: EvaluationResult[][]): void {
  h.config.on(GetComplianceDetailsByConfigRuleCommand).callsFake((input: GetComplianceDetailsByConfigRuleCommandInput) => {
    const i = input.NextToken ? Number(input.NextToken.slice(1)) : 0;
    return { EvaluationResults: pages[i] ?? [], NextToken: i + 1 < pages.length ? `r${i + 1}` : undefined };
  });
}

/** List-call inputs copied when made: the SDK paginators reuse one input object and move its NextToken. */
const listInputs = new WeakMap<Harness, Array<Record<string, unknown>>>();
function recordList(h: Harness, input: object): void {
  if (!listInputs.has(h)) listInputs.set(h, []);
  listInputs.get(h)!.push({ ...input });
}
const recordedLists = (h: Harness) => listInputs.get(h) ?? [];

const arn = (name: string) => `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid-${name}:autoScalingGroupName/${name}`;

interface SweepCase {
  readonly rule: ResourceRuleCase;
  /** Sets up three pages of resources. */
  readonly prime: (h: Harness) => void;
  /** The list call, its page-size field and the maximum it must ask for. */
  readonly listCalls: (h: Harness) => Array<Record<string, unknown>>;
  readonly pageSizeField: string;
  readonly pageSize: number;
  /** Ids per page, in order, and those expected NON_COMPLIANT. */
  readonly pages: string[][];
  readonly nonCompliant: string[];
}

const instancePages = [
  ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003'],
  ['i-00000000000000004', 'i-00000000000000005'],
  ['i-00000000000000006'],
];
const templatePages = [['lt-01', 'lt-02'], ['lt-03'], ['lt-04', 'lt-05']];
const lcPages = [['lc-a', 'lc-b'], ['lc-c'], ['lc-d']];
const groupPages = [['asg-a', 'asg-b'], ['asg-c'], ['asg-d']];

const SWEEPS: SweepCase[] = [
  {
    rule: byId('imdsv2-instance'),
    prime: (h) =>
      h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
        recordList(h, input);
        const i = input.NextToken ? Number(input.NextToken.slice(1)) : 0;
        const instances = instancePages[i].map((id) => ec2Instance(id, id.endsWith('2') || id.endsWith('5') ? OPTIONAL : REQUIRED));
        // Two reservations per page, as DescribeInstances groups instances by launch request.
        return {
          Reservations: [{ Instances: instances.slice(0, 1) }, { Instances: instances.slice(1) }],
          NextToken: i + 1 < instancePages.length ? `p${i + 1}` : undefined,
        };
      }),
    listCalls: recordedLists,
    pageSizeField: 'MaxResults',
    pageSize: 1000,
    pages: instancePages,
    nonCompliant: ['i-00000000000000002', 'i-00000000000000005'],
  },
  {
    rule: byId('imdsv2-launch-template'),
    prime: (h) => {
      h.ec2.on(DescribeLaunchTemplatesCommand).callsFake((input: DescribeLaunchTemplatesCommandInput) => {
        recordList(h, input);
        const i = input.NextToken ? Number(input.NextToken.slice(1)) : 0;
        return {
          LaunchTemplates: templatePages[i].map((id) => ({ LaunchTemplateId: id, LaunchTemplateName: `name-${id}`, DefaultVersionNumber: 1, LatestVersionNumber: 2 })),
          NextToken: i + 1 < templatePages.length ? `p${i + 1}` : undefined,
        };
      });
      const versions = (id: string) => [templateVersion(id, 1, id === 'lt-03' ? null : REQUIRED, true), templateVersion(id, 2)];
      h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) =>
        // Without a template id: every template's $Default and $Latest, as the EC2 API answers.
        ({ LaunchTemplateVersions: input.LaunchTemplateId ? versions(input.LaunchTemplateId) : templatePages.flat().flatMap(versions) }),
      );
    },
    listCalls: recordedLists,
    pageSizeField: 'MaxResults',
    pageSize: 200,
    pages: templatePages,
    nonCompliant: ['lt-03'],
  },
  {
    rule: byId('imdsv2-launch-configuration'),
    prime: (h) =>
      h.autoscaling.on(DescribeLaunchConfigurationsCommand).callsFake((input: DescribeLaunchConfigurationsCommandInput) => {
        recordList(h, input);
        const i = input.NextToken ? Number(input.NextToken.slice(1)) : 0;
        return {
          LaunchConfigurations: lcPages[i].map((name) =>
            launchConfigurationRecord(name, { HttpTokens: 'required', HttpPutResponseHopLimit: name === 'lc-b' ? 2 : 1, HttpEndpoint: 'enabled' }),
          ),
          NextToken: i + 1 < lcPages.length ? `p${i + 1}` : undefined,
        };
      }),
    listCalls: recordedLists,
    pageSizeField: 'MaxRecords',
    pageSize: 100,
    pages: lcPages.map((p) => p.map((name) => launchConfigurationRecord(name).LaunchConfigurationARN)),
    nonCompliant: [launchConfigurationRecord('lc-b').LaunchConfigurationARN], // hop limit 2 > default 1
  },
  {
    rule: byId('imdsv2-auto-scaling-group'),
    prime: (h) => {
      h.autoscaling.on(DescribeAutoScalingGroupsCommand).callsFake((input: DescribeAutoScalingGroupsCommandInput) => {
        recordList(h, input);
        const i = input.NextToken ? Number(input.NextToken.slice(1)) : 0;
        return {
          AutoScalingGroups: groupPages[i].map((name) =>
            autoScalingGroupRecord(name, arn(name), { LaunchTemplate: { LaunchTemplateId: 'lt-shared', Version: '$Default' } }, [`i-0${name.slice(-1).repeat(16)}`]),
          ),
          NextToken: i + 1 < groupPages.length ? `p${i + 1}` : undefined,
        };
      });
      h.ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [templateVersion('lt-shared', 4, REQUIRED, true)] });
      h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => ({
        Reservations: [{ Instances: input.Filters![0].Values!.map((id) => ec2Instance(id, id === 'i-0cccccccccccccccc' ? OPTIONAL : REQUIRED)) }],
      }));
    },
    listCalls: recordedLists,
    pageSizeField: 'MaxRecords',
    pageSize: 100,
    pages: groupPages.map((p) => p.map(arn)),
    nonCompliant: [arn('asg-c')], // its live instance still accepts IMDSv1
  },
];

describe.each(SWEEPS.map((s) => [s.rule.id, s] as const))('scheduled sweep: %s', (_id, sweep) => {
  test('pages through every resource at the largest page size and evaluates each once, at the notification time', async () => {
    // Prepare
    const h = harness();
    sweep.prime(h);
    mockResults(h, []);

    // Act
    const sent = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled));

    // Assess
    const calls = sweep.listCalls(h);
    expect(calls).toHaveLength(3);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, 'p1', 'p2']);
    for (const c of calls) expect(c[sweep.pageSizeField]).toBe(sweep.pageSize);
    const all = sweep.pages.flat();
    expect(sent.map((e) => e.ComplianceResourceId)).toEqual(all);
    for (const e of sent) {
      expect(e.ComplianceResourceType).toBe(sweep.rule.resourceType);
      expect(e.OrderingTimestamp).toEqual(SCHEDULED_TIME);
      expect(e.ComplianceType).toBe(sweep.nonCompliant.includes(e.ComplianceResourceId) ? 'NON_COMPLIANT' : 'COMPLIANT');
    }
    expect(h.sent().map((e) => e.ComplianceResourceId)).toEqual(all);
    expect(h.logger.messages('sweep complete')).toEqual([
      {
        level: 'info',
        message: 'sweep complete',
        extra: { rule: sweep.rule.id, resultPagesRead: 1, held: 0, pagesRead: 3, resourcesEvaluated: all.length, changed: all.length, unchanged: 0, staleCleared: 0 },
      },
    ]);
  });

  test('then marks resources of its type that are no longer listed NOT_APPLICABLE, ignoring other types', async () => {
    // Prepare: current results over two pages: one still listed, two gone, one of another type.
    const h = harness();
    sweep.prime(h);
    const listed = sweep.pages[1][0];
    const goneA = `${sweep.pages[0][0]}-gone-a`;
    const goneB = `${sweep.pages[0][0]}-gone-b`;
    mockResults(h, [
      [result(sweep.rule.resourceType, listed), result(sweep.rule.resourceType, goneA, 'NON_COMPLIANT'), result('AWS::S3::Bucket', 'some-bucket')],
      [result(sweep.rule.resourceType, goneB), result('AWS::::Account', '123456789012', 'NON_COMPLIANT')],
    ]);

    // Act
    const sent = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled));

    // Assess
    const inputs = h.config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { ConfigRuleName: sweep.rule.id, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'], Limit: 100, NextToken: undefined },
      { ConfigRuleName: sweep.rule.id, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'], Limit: 100, NextToken: 'r1' },
    ]);
    const stale = sent.filter((e) => e.Annotation === 'The resource no longer exists.');
    expect(stale).toEqual([
      { ComplianceResourceType: sweep.rule.resourceType, ComplianceResourceId: goneA, ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.', OrderingTimestamp: SCHEDULED_TIME },
      { ComplianceResourceType: sweep.rule.resourceType, ComplianceResourceId: goneB, ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.', OrderingTimestamp: SCHEDULED_TIME },
    ]);
    expect(sent.filter((e) => e.ComplianceResourceId === listed)).toHaveLength(1);
    expect(sent.map((e) => e.ComplianceResourceId)).not.toContain('some-bucket');
    expect(sent.every((e) => e.ComplianceResourceType === sweep.rule.resourceType)).toBe(true);
    expect(sent).toHaveLength(sweep.pages.flat().length + 2);
    expect(h.logger.messages('sweep complete')[0].extra).toMatchObject({ held: 3, staleCleared: 2 });
  });

  test('only what changed: an unchanged estate sends nothing; one changed result sends one; a lost result is sent again', async () => {
    // Prepare: a first sweep against an empty store, then what Config would hold after it.
    const first = harness();
    sweep.prime(first);
    mockResults(first, []);
    const recorded = await handlerFor(sweep.rule, first)(fixture(sweep.rule.scheduled));
    expect(recorded).toHaveLength(sweep.pages.flat().length);

    // Act + Assess 1: Config holds exactly that: nothing to send, nothing cleared.
    const unchanged = harness();
    sweep.prime(unchanged);
    mockResults(unchanged, [held(recorded)]);
    expect(await handlerFor(sweep.rule, unchanged)(fixture(sweep.rule.scheduled))).toEqual([]);
    expect(unchanged.putInputs()).toHaveLength(0);
    expect(unchanged.logger.messages('sweep complete')[0].extra).toMatchObject({ changed: 0, unchanged: recorded.length, staleCleared: 0 });

    // Act + Assess 2: Config holds one of them with another verdict, and lost another one.
    const [flipped, lost, ...rest] = recorded;
    const other = flipped.ComplianceType === 'COMPLIANT' ? 'NON_COMPLIANT' : 'COMPLIANT';
    const changed = harness();
    sweep.prime(changed);
    mockResults(changed, [[result(flipped.ComplianceResourceType, flipped.ComplianceResourceId, other, flipped.Annotation), ...held(rest)]]);
    const sent = await handlerFor(sweep.rule, changed)(fixture(sweep.rule.scheduled));
    expect(sent).toEqual([flipped, lost]);
    expect(changed.putInputs()).toHaveLength(1);
  });

  test('only what changed: the same verdict with another annotation is sent; a held result without annotation matches an empty one', async () => {
    const first = harness();
    sweep.prime(first);
    mockResults(first, []);
    const recorded = await handlerFor(sweep.rule, first)(fixture(sweep.rule.scheduled));
    const [reworded, ...rest] = recorded;
    const h = harness();
    sweep.prime(h);
    mockResults(h, [[result(reworded.ComplianceResourceType, reworded.ComplianceResourceId, reworded.ComplianceType as 'COMPLIANT', 'an older text'), ...held(rest)]]);
    expect(await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled))).toEqual([reworded]);
  });

  test('stale results: cleared once; one Config already holds NOT_APPLICABLE for that reason is not cleared again, one for another reason is', async () => {
    const first = harness();
    sweep.prime(first);
    mockResults(first, []);
    const recorded = await handlerFor(sweep.rule, first)(fixture(sweep.rule.scheduled));
    const type = sweep.rule.resourceType;
    const h = harness();
    sweep.prime(h);
    mockResults(h, [
      [
        ...held(recorded),
        result(type, 'gone-cleared', 'NOT_APPLICABLE', 'The resource no longer exists.'),
        result(type, 'gone-left-scope', 'NOT_APPLICABLE', 'The resource left the rule scope.'),
        result(type, 'gone-insufficient', 'INSUFFICIENT_DATA'),
      ],
    ]);
    const sent = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled));
    const gone = (id: string) => ({ ComplianceResourceType: type, ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.', OrderingTimestamp: SCHEDULED_TIME });
    expect(sent).toEqual([gone('gone-left-scope'), gone('gone-insufficient')]);
  });

  test('the list call denied: ResourceFetchError naming the operation, hinting at IAM, with the cause; nothing sent (the results were read first)', async () => {
    const h = harness();
    sweep.prime(h);
    mockResults(h, []);
    const code = sweep.rule.id.includes('auto-scaling') || sweep.rule.id.includes('configuration') ? 'AccessDenied' : 'UnauthorizedOperation';
    const cause = awsError(code, 'You are not authorized to perform this operation.');
    const operation = { 'imdsv2-instance': 'DescribeInstances', 'imdsv2-launch-template': 'DescribeLaunchTemplates', 'imdsv2-launch-configuration': 'DescribeLaunchConfigurations', 'imdsv2-auto-scaling-group': 'DescribeAutoScalingGroups' }[sweep.rule.id]!;
    const client = operation.startsWith('DescribeInstances') || operation.startsWith('DescribeLaunchTemplates') ? h.ec2 : h.autoscaling;
    const command = { DescribeInstances: DescribeInstancesCommand, DescribeLaunchTemplates: DescribeLaunchTemplatesCommand, DescribeLaunchConfigurations: DescribeLaunchConfigurationsCommand, DescribeAutoScalingGroups: DescribeAutoScalingGroupsCommand }[operation];
    (client.on as (c: unknown) => { rejects: (e: Error) => void })(command).rejects(cause);

    const error = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled)).catch((e: Error) => e);

    expect(error).toBeInstanceOf(ResourceFetchError);
    expect((error as Error).message).toBe(`${operation} failed: ${code}: You are not authorized to perform this operation. (missing IAM permission?)`);
    expect((error as Error).cause).toBe(cause);
    expect(h.putInputs()).toHaveLength(0);
    expect(h.config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(1);
  });

  test('without configRuleName: MalformedEventError, nothing read or sent', async () => {
    const h = harness();
    sweep.prime(h);
    const event = { ...fixture(sweep.rule.scheduled), configRuleName: undefined };
    const error = await handlerFor(sweep.rule, h)(event).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MalformedEventError);
    expect((error as Error).message).toBe('event.configRuleName is required for a periodic sweep');
    expect(h.reads()).toEqual([]);
    expect(h.putInputs()).toHaveLength(0);
  });

  test('near the Lambda timeout: stops after the current page, flushes what changed, skips the clean-up, says so', async () => {
    // Prepare: plenty of time after the results and page 1, below the reserve after page 2.
    const h = harness();
    sweep.prime(h);
    mockResults(h, [[result(sweep.rule.resourceType, 'gone-1')]]);
    const { context } = lambdaContext([60_000, 60_000, DEFAULT_TIME_RESERVE_MS - 1]);

    // Act
    const sent = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled), context);

    // Assess
    const evaluated = [...sweep.pages[0], ...sweep.pages[1]];
    expect(sweep.listCalls(h)).toHaveLength(2);
    expect(sent.map((e) => e.ComplianceResourceId)).toEqual(evaluated);
    expect(h.sent().map((e) => e.ComplianceResourceId)).toEqual(evaluated);
    expect(h.config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(1);
    expect(sent.map((e) => e.ComplianceResourceId)).not.toContain('gone-1');
    expect(h.logger.messages('sweep complete')).toHaveLength(0);
    expect(h.logger.messages('sweep stopped before the Lambda timeout')).toEqual([
      {
        level: 'warn',
        message: 'sweep stopped before the Lambda timeout',
        extra: {
          rule: sweep.rule.id,
          resultPagesRead: 1,
          held: 1,
          pagesRead: 2,
          resourcesEvaluated: evaluated.length,
          changed: evaluated.length,
          unchanged: 0,
          staleCleared: 0,
          unfinished: 'resources after the last page read; stale-result clean-up',
          remainingMs: DEFAULT_TIME_RESERVE_MS - 1,
        },
      },
    ]);
  });
});

describe('scheduled sweep: details', () => {
  test('a resource listed twice (moved between pages) is evaluated once', async () => {
    const h = harness();
    mockResults(h, []);
    h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) =>
      input.NextToken
        ? { Reservations: [{ Instances: [ec2Instance('i-00000000000000002'), ec2Instance('i-00000000000000003')] }] }
        : { Reservations: [{ Instances: [ec2Instance('i-00000000000000001'), ec2Instance('i-00000000000000002')] }], NextToken: 'p1' },
    );
    const sent = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'));
    expect(sent.map((e) => e.ComplianceResourceId)).toEqual(['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003']);
  });

  test('a big sweep is sent in batches of at most 100 as it goes', async () => {
    const h = harness();
    mockResults(h, []);
    const ids = Array.from({ length: 1000 + 234 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
      const page = input.NextToken ? ids.slice(1000) : ids.slice(0, 1000);
      return { Reservations: [{ Instances: page.map((id) => ec2Instance(id)) }], NextToken: input.NextToken ? undefined : 'p1' };
    });
    const sent = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'));
    const sizes = h.putInputs().map((c) => c.Evaluations!.length);
    expect(sizes).toEqual([...Array(12).fill(100), 34]);
    expect(sent).toHaveLength(ids.length);
    expect(new Set(h.sent().map((e) => e.ComplianceResourceId)).size).toBe(ids.length);
    expect(h.logger.messages('evaluations sent')).toHaveLength(13);
  });

  test('in a small function (< 256 MB) a sweep returns only the first 1,000 evaluations, and still sends all', async () => {
    await withEnv({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' }, async () => {
      const h = harness();
      mockResults(h, []);
      const ids = Array.from({ length: 1234 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
      h.ec2.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => {
        const from = input.NextToken ? Number(input.NextToken) : 0;
        const page = ids.slice(from, from + input.MaxResults!);
        const next = from + page.length;
        return { Reservations: [{ Instances: page.map((id) => ec2Instance(id)) }], NextToken: next < ids.length ? String(next) : undefined };
      });
      const sent = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'));
      expect(SMALL_FUNCTION_SWEEP_KEEP_LIMIT).toBe(1_000);
      expect(sent.map((e) => e.ComplianceResourceId)).toEqual(ids.slice(0, 1_000));
      expect(h.sent().map((e) => e.ComplianceResourceId)).toEqual(ids);
      expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(7); // 200 a page
    });
  });

  test('out of time while reading the current results: stops before listing, sends nothing, says so', async () => {
    const h = harness();
    SWEEPS[0].prime(h);
    mockResults(h, [[result('AWS::EC2::Instance', 'i-held')], [result('AWS::EC2::Instance', 'i-held-2')]]);
    const { context } = lambdaContext([DEFAULT_TIME_RESERVE_MS - 1]);
    const sent = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'), context);
    expect(sent).toEqual([]);
    expect(h.config.commandCalls(GetComplianceDetailsByConfigRuleCommand)).toHaveLength(1);
    expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(h.logger.messages('sweep stopped before the Lambda timeout')[0].extra).toMatchObject({
      resultPagesRead: 1,
      held: 1,
      pagesRead: 0,
      unfinished: 'the whole sweep (reading the current results took the time)',
    });
  });

  test('stopping after the first page flushes a partial batch too', async () => {
    const h = harness();
    mockResults(h, []);
    const ids = Array.from({ length: 150 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    // More pages follow (a bounded number, so a sweep that fails to stop ends and fails instead of hanging).
    let listed = 0;
    h.ec2.on(DescribeInstancesCommand).callsFake(() => {
      listed += 1;
      return { Reservations: [{ Instances: ids.map((id) => ec2Instance(`${id}${listed}`)) }], NextToken: listed < 3 ? 'more' : undefined };
    });
    const { context } = lambdaContext([60_000, 1_000]);
    await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'), context);
    expect(h.putInputs().map((c) => c.Evaluations!.length)).toEqual([100, 50]);
    expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
    expect(h.logger.messages('sweep stopped before the Lambda timeout')[0].extra).toMatchObject({ pagesRead: 1, resourcesEvaluated: 150, remainingMs: 1_000 });
  });

  test('the reserve is configurable: with a small reserve the same remaining time is enough', async () => {
    const h = harness({ timeReserveMs: 500 });
    mockResults(h, []);
    SWEEPS[0].prime(h);
    const { context, reads } = lambdaContext([1_000]);
    await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json'), context);
    expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(3);
    expect(reads.length).toBeGreaterThanOrEqual(4); // checked after every page, the results' too
    expect(h.logger.messages('sweep complete')).toHaveLength(1);
  });

  test('launch template: one deleted between listing and reading versions is skipped (and cleared if it had a result)', async () => {
    const h = harness();
    h.ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-keep' }, { LaunchTemplateId: 'lt-gone' }] });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) => {
      if (input.LaunchTemplateId === 'lt-gone') throw awsError('InvalidLaunchTemplateId.NotFound');
      return { LaunchTemplateVersions: [templateVersion('lt-keep', 1, REQUIRED, true)] };
    });
    mockResults(h, [[result('AWS::EC2::LaunchTemplate', 'lt-gone', 'NON_COMPLIANT')]]);
    const sent = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-scheduled.json'));
    expect(sent.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['lt-keep', 'COMPLIANT'],
      ['lt-gone', 'NOT_APPLICABLE'],
    ]);
  });

  test('instances: a function with less than 256 MB reads 200 instances a call, through every page', async () => {
    await withEnv({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' }, async () => {
      const h = harness();
      const sweep = SWEEPS[0];
      sweep.prime(h);
      mockResults(h, []);
      const sent = await handlerFor(sweep.rule, h)(fixture(sweep.rule.scheduled));
      expect(sweep.listCalls(h).map((c) => [c.MaxResults, c.NextToken])).toEqual([[200, undefined], [200, 'p1'], [200, 'p2']]);
      expect(sent.map((e) => e.ComplianceResourceId)).toEqual(instancePages.flat());
    });
  });

  test('launch template: the account-wide version listing is paged on its NextToken; no template is read alone', async () => {
    const h = harness();
    const ids = ['lt-a', 'lt-b', 'lt-c'];
    h.ec2.on(DescribeLaunchTemplatesCommand).resolves({
      LaunchTemplates: ids.map((id) => ({ LaunchTemplateId: id, LaunchTemplateName: id, DefaultVersionNumber: 1, LatestVersionNumber: 2 })),
    });
    const listing = [
      [templateVersion('lt-a', 1, REQUIRED, true), templateVersion('lt-a', 2, REQUIRED), templateVersion('lt-b', 1, REQUIRED, true)],
      [templateVersion('lt-b', 2, OPTIONAL), templateVersion('lt-c', 2, REQUIRED), templateVersion('lt-c', 1, REQUIRED, true)],
    ];
    const inputs: DescribeLaunchTemplateVersionsCommandInput[] = [];
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) => {
      inputs.push({ ...input });
      const i = input.NextToken ? 1 : 0;
      return { LaunchTemplateVersions: listing[i], NextToken: i === 0 ? 'v1' : undefined };
    });
    mockResults(h, []);
    const sent = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-scheduled.json'));
    expect(inputs).toEqual([
      { Versions: ['$Default', '$Latest'], MaxResults: 200, ResolveAlias: true },
      { Versions: ['$Default', '$Latest'], MaxResults: 200, NextToken: 'v1', ResolveAlias: true },
    ]);
    expect(sent.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['lt-a', 'COMPLIANT'],
      ['lt-b', 'NON_COMPLIANT'],
      ['lt-c', 'COMPLIANT'],
    ]);
    expect(sent[1].Annotation).toMatch(/^v2 \$Latest: HttpTokens=optional\./);
  });

  test('launch template: a template whose default changed after the version listing is read alone, and judged on what it is now', async () => {
    const h = harness();
    // The listing saw v1 as $Default and $Latest; since then v2 (optional) was added and made the default.
    h.ec2.on(DescribeLaunchTemplatesCommand).resolves({
      LaunchTemplates: [{ LaunchTemplateId: 'lt-moved', LaunchTemplateName: 'moved', DefaultVersionNumber: 2, LatestVersionNumber: 2 }],
    });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: DescribeLaunchTemplateVersionsCommandInput) =>
      input.LaunchTemplateId === 'lt-moved'
        ? { LaunchTemplateVersions: [templateVersion('lt-moved', 2, OPTIONAL, true)] }
        : { LaunchTemplateVersions: [templateVersion('lt-moved', 1, REQUIRED, true)] },
    );
    mockResults(h, []);
    const sent = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-scheduled.json'));
    expect(sent.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([['lt-moved', 'NON_COMPLIANT']]);
    expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input.LaunchTemplateId)).toEqual([undefined, 'lt-moved']);
  });

  test('launch template: the account-wide version listing denied is a ResourceFetchError naming it; nothing sent', async () => {
    const h = harness();
    h.ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-a', DefaultVersionNumber: 1, LatestVersionNumber: 1 }] });
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(awsError('UnauthorizedOperation'));
    mockResults(h, []);
    const error = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-scheduled.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect((error as Error).message).toMatch(/^DescribeLaunchTemplateVersions \(account-wide \$Default, \$Latest\) failed: UnauthorizedOperation/);
    expect(h.sent()).toEqual([]);
  });

  test('auto scaling groups sharing a template version read it once per sweep', async () => {
    const h = harness();
    mockResults(h, []);
    SWEEPS[3].prime(h);
    await handlerFor(byId('imdsv2-auto-scaling-group'), h)(fixture('auto-scaling-group-scheduled.json'));
    expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)).toHaveLength(1);
    expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0].args[0].input).toEqual({ LaunchTemplateId: 'lt-shared', Versions: ['$Default'], ResolveAlias: true });
  });

  test('GetComplianceDetailsByConfigRule failing: ResourceFetchError with the cause, before anything is listed or sent (what changed cannot be known)', async () => {
    const h = harness();
    SWEEPS[0].prime(h);
    const cause = awsError('AccessDeniedException', 'not authorized to perform: config:GetComplianceDetailsByConfigRule');
    h.config.on(GetComplianceDetailsByConfigRuleCommand).rejects(cause);
    const error = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-scheduled.json')).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect((error as Error).message).toMatch(/^GetComplianceDetailsByConfigRule for rule imdsv2-instance failed: AccessDeniedException: not authorized.*\(missing IAM permission\?\)$/);
    expect((error as Error).cause).toBe(cause);
    expect(h.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(h.putInputs()).toHaveLength(0);
  });
});
