import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import { GetComplianceDetailsByConfigRuleCommand, GetResourceConfigHistoryCommand } from '@aws-sdk/client-config-service';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  GetInstanceMetadataDefaultsCommand,
} from '@aws-sdk/client-ec2';
import {
  KitError,
  MalformedEventError,
  ResourceFetchError,
  WrongResourceTypeError,
} from '../../lambda/kit/errors';
import type { RunDependencies } from '../../lambda/kit/run-rule';
import {
  ACCOUNT,
  ACCOUNT_RULE,
  ASG_ARN,
  CAPTURE_TIME,
  INSTANCE_ID,
  LC_ARN,
  LT_ID,
  RESOURCE_RULES,
  SCHEDULED_TIME,
  awsError,
  fixture,
  handlerFor,
  harness,
  historyItem,
  invoking,
  primeExistingResources,
  withInvoking,
  withItem,
} from './support';

/** The rejection of a promise that must reject. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected the handler to throw');
    },
    (e: Error) => e,
  );
}

const byId = (id: string) => RESOURCE_RULES.find((r) => r.id === id)!;

describe('change notifications: one evaluation, the item’s type and id, the capture time', () => {
  test.each([
    ['imdsv2-instance', 'instance-change-ok.json', 'NON_COMPLIANT', []],
    ['imdsv2-instance', 'instance-change-discovered.json', 'COMPLIANT', []],
    ['imdsv2-launch-template', 'launch-template-change-ok.json', 'COMPLIANT', ['DescribeLaunchTemplateVersions']],
    ['imdsv2-launch-configuration', 'launch-configuration-change-ok.json', 'COMPLIANT', []],
    [
      'imdsv2-auto-scaling-group',
      'auto-scaling-group-change-ok.json',
      'COMPLIANT',
      ['DescribeAutoScalingGroups', 'DescribeLaunchConfigurations', 'DescribeInstances'],
    ],
  ])('%s: %s → %s', async (ruleId, name, complianceType, reads) => {
    // Prepare
    const rule = byId(ruleId);
    const h = harness();
    primeExistingResources(h);
    const event = fixture(name);
    const item = invoking(event).configurationItem;

    // Act
    const result = await handlerFor(rule, h)(event);

    // Assess
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      ComplianceResourceType: item.resourceType,
      ComplianceResourceId: item.resourceId,
      ComplianceType: complianceType,
      OrderingTimestamp: CAPTURE_TIME,
    });
    expect(result[0].Annotation.length).toBeGreaterThan(0);
    expect(result[0].Annotation.length).toBeLessThanOrEqual(256);
    expect(h.sent()).toEqual(result.map((e) => ({ ...e })));
    expect(h.putInputs()).toHaveLength(1);
    expect(h.putInputs()[0]).toMatchObject({ ResultToken: event.resultToken, TestMode: false });
    expect([...h.reads()].sort()).toEqual([...reads].sort());
  });

  test('TESTMODE token: PutEvaluations with TestMode true', async () => {
    const h = harness();
    await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-change-testmode.json'));
    expect(h.putInputs()).toEqual([expect.objectContaining({ ResultToken: 'TESTMODE', TestMode: true })]);
  });

  test('launch configuration: the evaluation uses the item’s resourceId even where the configuration’s ARN differs', async () => {
    // The RDK example item has exactly this: resourceId and configuration.launchConfigurationARN differ.
    const h = harness();
    const otherArn = LC_ARN.replace('7c4f1b2e', '00000000');
    const event = withItem(fixture('launch-configuration-change-ok.json'), (i) => (i.configuration.launchConfigurationARN = otherArn));
    const [e] = await handlerFor(byId('imdsv2-launch-configuration'), h)(event);
    expect(e.ComplianceResourceId).toBe(LC_ARN);
    expect(e.ComplianceResourceType).toBe('AWS::AutoScaling::LaunchConfiguration');
  });

  test('auto scaling group: the evaluation uses the item’s ARN, not the one DescribeAutoScalingGroups returns', async () => {
    const h = harness();
    primeExistingResources(h);
    const itemArn = ASG_ARN.replace('4e9a6d1c', 'ffffffff');
    const event = withItem(fixture('auto-scaling-group-change-ok.json'), (i) => (i.resourceId = itemArn));
    const [e] = await handlerFor(byId('imdsv2-auto-scaling-group'), h)(event);
    expect(e.ComplianceResourceId).toBe(itemArn);
    expect(h.autoscaling.commandCalls(DescribeAutoScalingGroupsCommand)[0].args[0].input).toEqual({ AutoScalingGroupNames: ['web-asg'] });
  });

  test('instance: an item without metadataOptions is completed with DescribeInstances', async () => {
    const h = harness();
    h.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: INSTANCE_ID, State: { Name: 'running' }, MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' } }] }],
    });
    const event = withItem(fixture('instance-change-ok.json'), (i) => delete i.configuration.metadataOptions);
    const [e] = await handlerFor(byId('imdsv2-instance'), h)(event);
    expect(e.ComplianceType).toBe('COMPLIANT');
    expect(h.ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [INSTANCE_ID] });
  });

  test('the item’s account is used; without one anywhere the event is malformed', async () => {
    const h = harness();
    const event = withItem(fixture('launch-configuration-change-ok.json'), (i) => delete i.awsAccountId);
    const error = await rejection(handlerFor(byId('imdsv2-launch-configuration'), h)({ ...event, accountId: undefined }));
    expect(error).toBeInstanceOf(MalformedEventError);
    expect(error.message).toBe('event.accountId is missing');
    expect(h.putInputs()).toHaveLength(0);
  });
});

describe('nothing to evaluate: NOT_APPLICABLE without reading anything', () => {
  const statuses = ['ResourceDeleted', 'ResourceDeletedNotRecorded', 'ResourceNotRecorded'];

  describe.each(RESOURCE_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    test.each(statuses)('status %s', async (status) => {
      // Prepare
      const h = harness();
      primeExistingResources(h);
      const event = withItem(fixture(rule.deleted), (i) => (i.configurationItemStatus = status));

      // Act
      const result = await handlerFor(rule, h)(event);

      // Assess
      expect(result).toEqual([
        {
          ComplianceResourceType: rule.resourceType,
          ComplianceResourceId: rule.resourceId,
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: `Configuration item status ${status}.`,
          OrderingTimestamp: CAPTURE_TIME,
        },
      ]);
      expect(h.reads()).toEqual([]);
      expect(h.putInputs()).toHaveLength(1);
    });

    test('eventLeftScope true, even with a full OK item', async () => {
      const h = harness();
      primeExistingResources(h);
      const result = await handlerFor(rule, h)({ ...fixture(rule.change), eventLeftScope: true });
      expect(result).toEqual([
        expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource left the rule scope.', ComplianceResourceId: rule.resourceId }),
      ]);
      expect(h.reads()).toEqual([]);
    });

    test('oversized notification with a deleted summary: no history call', async () => {
      const h = harness();
      primeExistingResources(h);
      const event = withInvoking(fixture('instance-oversized-deleted.json'), (inv) => {
        inv.configurationItemSummary.resourceType = rule.resourceType;
        inv.configurationItemSummary.resourceId = rule.resourceId;
      });
      const result = await handlerFor(rule, h)(event);
      expect(result).toEqual([expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE', ComplianceResourceId: rule.resourceId, OrderingTimestamp: CAPTURE_TIME })]);
      expect(h.reads()).toEqual([]);
    });
  });

  test('the fixture for eventLeftScope is NOT_APPLICABLE', async () => {
    const h = harness();
    const [e] = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-change-left-scope.json'));
    expect(e.ComplianceType).toBe('NOT_APPLICABLE');
  });
});

describe('wrong resource type', () => {
  const others = RESOURCE_RULES.flatMap((rule) => RESOURCE_RULES.filter((o) => o.id !== rule.id).map((other) => [rule.id, other.change, rule, other] as const));

  test.each(others)('%s given %s: WrongResourceTypeError, nothing sent, nothing read', async (_id, _name, rule, other) => {
    const h = harness();
    primeExistingResources(h);
    const error = await rejection(handlerFor(rule, h)(fixture(other.change)));
    expect(error).toBeInstanceOf(WrongResourceTypeError);
    expect((error as WrongResourceTypeError).expected).toEqual([rule.resourceType]);
    expect((error as WrongResourceTypeError).received).toBe(other.resourceType);
    expect(error.message).toBe(`This rule evaluates ${rule.resourceType} but received ${other.resourceType}: check the rule's scope`);
    expect(h.putInputs()).toHaveLength(0);
    expect(h.reads()).toEqual([]);
  });

  test.each(RESOURCE_RULES.map((r) => [r.id, r] as const))('%s: a deleted item of another type is still the wrong type', async (_id, rule) => {
    const h = harness();
    const event = withItem(fixture(rule.deleted), (i) => (i.resourceType = 'AWS::S3::Bucket'));
    await expect(handlerFor(rule, h)(event)).rejects.toThrow(WrongResourceTypeError);
    expect(h.putInputs()).toHaveLength(0);
  });

  test('oversized summary of another type: no history call', async () => {
    const h = harness();
    primeExistingResources(h);
    await expect(handlerFor(byId('imdsv2-launch-template'), h)(fixture('instance-oversized.json'))).rejects.toThrow(WrongResourceTypeError);
    expect(h.reads()).toEqual([]);
  });

  test('history item of another type than its summary: WrongResourceTypeError, nothing sent', async () => {
    const h = harness();
    h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem({ resourceType: 'AWS::EC2::Volume' })] });
    await expect(handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json'))).rejects.toThrow(WrongResourceTypeError);
    expect(h.putInputs()).toHaveLength(0);
  });
});

describe('oversized notifications', () => {
  test('instance: the item is read with GetResourceConfigHistory (limit 1) and its JSON-string configuration evaluated', async () => {
    // Prepare
    const h = harness();
    h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem()] });

    // Act
    const result = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json'));

    // Assess
    const calls = h.config.commandCalls(GetResourceConfigHistoryCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({ resourceType: 'AWS::EC2::Instance', resourceId: INSTANCE_ID, limit: 1 });
    expect(result).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::EC2::Instance',
        ComplianceResourceId: INSTANCE_ID,
        ComplianceType: 'COMPLIANT', // the history item requires tokens
        OrderingTimestamp: CAPTURE_TIME,
      }),
    ]);
    expect(h.ec2.calls()).toHaveLength(0); // the history item had metadataOptions
  });

  test('instance: the history item decides, not the summary (optional tokens → NON_COMPLIANT)', async () => {
    const h = harness();
    const configuration = JSON.parse(historyItem().configuration!);
    configuration.metadataOptions.httpTokens = 'optional';
    h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem({ configuration: JSON.stringify(configuration) })] });
    const [e] = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json'));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
  });

  test('launch template: history item (PascalCase configuration string), then versions read', async () => {
    const h = harness();
    primeExistingResources(h);
    const lt = invoking(fixture('launch-template-change-ok.json')).configurationItem;
    h.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        historyItem({
          resourceType: 'AWS::EC2::LaunchTemplate',
          resourceId: LT_ID,
          resourceName: 'web-template',
          arn: lt.ARN,
          configuration: JSON.stringify(lt.configuration),
        }),
      ],
    });
    const result = await handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-oversized.json'));
    expect(h.config.commandCalls(GetResourceConfigHistoryCommand)[0].args[0].input).toEqual({
      resourceType: 'AWS::EC2::LaunchTemplate',
      resourceId: LT_ID,
      limit: 1,
    });
    expect(h.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand)[0].args[0].input).toEqual({ LaunchTemplateId: LT_ID, Versions: ['$Default', '$Latest'], ResolveAlias: true });
    expect(result).toEqual([expect.objectContaining({ ComplianceResourceId: LT_ID, ComplianceType: 'COMPLIANT' })]);
  });

  test.each([
    ['imdsv2-instance', 'AWS::EC2::Instance', INSTANCE_ID],
    ['imdsv2-launch-configuration', 'AWS::AutoScaling::LaunchConfiguration', LC_ARN],
    ['imdsv2-launch-template', 'AWS::EC2::LaunchTemplate', LT_ID],
  ])('%s: the history says the resource was deleted since → NOT_APPLICABLE, nothing else read', async (ruleId, type, id) => {
    // Prepare: the summary said OK, but the newest item is a deletion (configuration null).
    const h = harness();
    primeExistingResources(h);
    h.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [historyItem({ resourceType: type as never, resourceId: id, configurationItemStatus: 'ResourceDeleted', configuration: undefined })],
    });
    const event = withItem(fixture('instance-oversized.json'), (s) => {
      s.resourceType = type;
      s.resourceId = id;
    });

    // Act
    const result = await handlerFor(byId(ruleId), h)(event);

    // Assess
    expect(result).toEqual([
      expect.objectContaining({ ComplianceResourceType: type, ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: 'Configuration item status ResourceDeleted.' }),
    ]);
    expect(h.reads()).toEqual(['GetResourceConfigHistory']);
  });

  test('GetResourceConfigHistory failing: ResourceFetchError naming the operation and resource, with the cause', async () => {
    const h = harness();
    const cause = awsError('AccessDeniedException', 'User is not authorized to perform: config:GetResourceConfigHistory');
    h.config.on(GetResourceConfigHistoryCommand).rejects(cause);
    const error = await rejection(handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json')));
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect(error.message).toMatch(/^GetResourceConfigHistory for AWS::EC2::Instance i-0a1b2c3d4e5f60718 failed: AccessDeniedException: User is not authorized.*\(missing IAM permission\?\)$/);
    expect(error.cause).toBe(cause);
    expect(h.putInputs()).toHaveLength(0);
  });

  test('GetResourceConfigHistory returning nothing: ResourceFetchError', async () => {
    const h = harness();
    h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
    const error = await rejection(handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json')));
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect(error.message).toBe('GetResourceConfigHistory returned no item for AWS::EC2::Instance i-0a1b2c3d4e5f60718');
  });

  test('a history item with a __proto__ key in its configuration string is judged (the key is legal data)', async () => {
    const h = harness();
    const configuration = '{"__proto__":{"polluted":true},"instanceId":"i-0a1b2c3d4e5f60718","metadataOptions":{"httpTokens":"required","httpEndpoint":"enabled"}}';
    h.config.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [historyItem({ configuration })] });
    const sent = await handlerFor(byId('imdsv2-instance'), h)(fixture('instance-oversized.json'));
    expect(sent.map((e) => e.ComplianceType)).toEqual(['COMPLIANT']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

});

describe('account defaults rule', () => {
  test('scheduled: one AWS::::Account evaluation for the event’s account, at the notification time', async () => {
    const h = harness();
    h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'required', HttpTokensEnforced: 'enabled' } });
    h.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] }); // Config holds nothing yet
    const result = await handlerFor(ACCOUNT_RULE, h)(fixture(ACCOUNT_RULE.scheduled));
    expect(result).toEqual([
      {
        ComplianceResourceType: 'AWS::::Account',
        ComplianceResourceId: ACCOUNT,
        ComplianceType: 'COMPLIANT',
        Annotation: expect.stringContaining('us-east-1'),
        OrderingTimestamp: SCHEDULED_TIME,
      },
    ]);
    expect(h.reads()).toEqual(['GetComplianceDetailsByConfigRule', 'GetInstanceMetadataDefaults']);
    expect(h.putInputs()).toHaveLength(1);
  });

  test('scheduled: the verdict Config already holds for the account is not recorded again; a different one is', async () => {
    const h = harness();
    h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'required', HttpTokensEnforced: 'enabled' } });
    h.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
    const [first] = await handlerFor(ACCOUNT_RULE, h)(fixture(ACCOUNT_RULE.scheduled));
    const held = (e: typeof first, id = ACCOUNT) => ({
      ComplianceType: e.ComplianceType,
      Annotation: e.Annotation,
      EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'r', ResourceType: 'AWS::::Account', ResourceId: id } },
    });
    // Another account's result (a rule shared by several accounts' evaluations) does not count.
    h.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [held(first, '210987654321'), held(first)] });
    expect(await handlerFor(ACCOUNT_RULE, h)(fixture(ACCOUNT_RULE.scheduled))).toEqual([]);
    expect(h.putInputs()).toHaveLength(1); // only the first run's

    h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: { HttpTokens: 'optional' } });
    const [changed] = await handlerFor(ACCOUNT_RULE, h)(fixture(ACCOUNT_RULE.scheduled));
    expect(changed.ComplianceType).toBe('NON_COMPLIANT');
    expect(h.putInputs()).toHaveLength(2);
  });

  test('scheduled: the account id comes from the event', async () => {
    const h = harness();
    h.ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: {} });
    h.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
    const [e] = await handlerFor(ACCOUNT_RULE, h)({ ...fixture(ACCOUNT_RULE.scheduled), accountId: '210987654321' });
    expect(e.ComplianceResourceId).toBe('210987654321');
    expect(e.ComplianceType).toBe('NON_COMPLIANT'); // no preference is not IMDSv2
  });

  test('scheduled without accountId: MalformedEventError, nothing read', async () => {
    const h = harness();
    const error = await rejection(handlerFor(ACCOUNT_RULE, h)({ ...fixture(ACCOUNT_RULE.scheduled), accountId: undefined }));
    expect(error).toBeInstanceOf(MalformedEventError);
    expect(error.message).toMatch(/accountId/);
    expect(h.reads()).toEqual([]);
  });

  test.each(['instance-change-ok.json', 'instance-oversized.json', 'instance-change-deleted.json'])('%s: WrongResourceTypeError (periodic only)', async (name) => {
    const h = harness();
    const error = await rejection(handlerFor(ACCOUNT_RULE, h)(fixture(name)));
    expect(error).toBeInstanceOf(WrongResourceTypeError);
    expect(error.message).toBe("This rule evaluates AWS::::Account (periodic only) but received AWS::EC2::Instance: check the rule's scope");
    expect(h.reads()).toEqual([]);
    expect(h.putInputs()).toHaveLength(0);
  });

  test('GetInstanceMetadataDefaults denied: ResourceFetchError hinting at IAM, with the cause', async () => {
    const h = harness();
    const cause = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    h.ec2.on(GetInstanceMetadataDefaultsCommand).rejects(cause);
    const error = await rejection(handlerFor(ACCOUNT_RULE, h)(fixture(ACCOUNT_RULE.scheduled)));
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect(error.message).toBe(
      'GetInstanceMetadataDefaults failed: UnauthorizedOperation: You are not authorized to perform this operation. (missing IAM permission?)',
    );
    expect(error.cause).toBe(cause);
    expect(h.putInputs()).toHaveLength(0);
  });
});

describe('describe errors on change events', () => {
  test.each([
    [
      'imdsv2-instance',
      'DescribeInstances',
      (h: ReturnType<typeof harness>, e: Error) => h.ec2.on(DescribeInstancesCommand).rejects(e),
      withItem(fixture('instance-change-ok.json'), (i) => delete i.configuration.metadataOptions),
      'UnauthorizedOperation',
      /^DescribeInstances i-0a1b2c3d4e5f60718 failed: UnauthorizedOperation: .* \(missing IAM permission\?\)$/,
    ],
    [
      'imdsv2-launch-template',
      'DescribeLaunchTemplateVersions',
      (h: ReturnType<typeof harness>, e: Error) => h.ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(e),
      fixture('launch-template-change-ok.json'),
      'UnauthorizedOperation',
      /^DescribeLaunchTemplateVersions lt-0f1e2d3c4b5a69788 failed: UnauthorizedOperation: .* \(missing IAM permission\?\)$/,
    ],
    [
      'imdsv2-auto-scaling-group',
      'DescribeAutoScalingGroups',
      (h: ReturnType<typeof harness>, e: Error) => h.autoscaling.on(DescribeAutoScalingGroupsCommand).rejects(e),
      fixture('auto-scaling-group-change-ok.json'),
      'AccessDenied',
      /^DescribeAutoScalingGroups web-asg failed: AccessDenied: .* \(missing IAM permission\?\)$/,
    ],
    [
      'imdsv2-auto-scaling-group',
      'DescribeLaunchConfigurations',
      (h: ReturnType<typeof harness>, e: Error) => {
        primeExistingResources(h);
        h.autoscaling.on(DescribeLaunchConfigurationsCommand).rejects(e);
      },
      fixture('auto-scaling-group-change-ok.json'),
      'AccessDenied',
      /^DescribeLaunchConfigurations failed: AccessDenied: .* \(missing IAM permission\?\)$/,
    ],
  ])('%s: %s denied → ResourceFetchError', async (ruleId, _operation, reject, event, code, message) => {
    // Prepare
    const h = harness();
    const cause = awsError(code, 'User: arn:aws:sts::123456789012:assumed-role/imdsv2-rule/fn is not authorized');
    reject(h, cause);

    // Act
    const error = await rejection(handlerFor(byId(ruleId), h)(event));

    // Assess
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect(error).toBeInstanceOf(KitError);
    expect(error.message).toMatch(message);
    expect(error.cause).toBe(cause);
    expect(h.putInputs()).toHaveLength(0);
  });

  test('an error that is not about permissions carries no IAM hint', async () => {
    const h = harness();
    h.ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(awsError('InternalError', 'An internal error has occurred'));
    const error = await rejection(handlerFor(byId('imdsv2-launch-template'), h)(fixture('launch-template-change-ok.json')));
    expect(error).toBeInstanceOf(ResourceFetchError);
    expect(error.message).toBe('DescribeLaunchTemplateVersions lt-0f1e2d3c4b5a69788 failed: InternalError: An internal error has occurred');
  });
});

describe('makeHandler', () => {
  test('the dependency factory is called once, on first use, and reused', async () => {
    const h = harness();
    const factory = jest.fn((): RunDependencies => h.deps);
    const handler = byId('imdsv2-launch-configuration').makeHandler(factory);
    expect(factory).not.toHaveBeenCalled();
    await handler(fixture('launch-configuration-change-ok.json'));
    await handler(fixture('launch-configuration-change-deleted.json'));
    expect(factory).toHaveBeenCalledTimes(1);
    expect(h.putInputs()).toHaveLength(2);
  });
});
