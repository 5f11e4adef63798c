// imdsv2-launch-template against moto, through the deployed bundle. Versions are read live with
// DescribeLaunchTemplateVersions ($Default, $Latest). The front stands in for PutEvaluations and
// GetComplianceDetailsByConfigRule (moto lacks them) and for EC2 GetInstanceMetadataDefaults
// (the account default, for acceptInheritedDefaults).
import {
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DeregisterImageCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { changeEvent, DEFAULT_RULE_NAME, launchTemplateItem, scheduledEvent, type ConfigurationItem } from '../harness';
import {
  AMI,
  at,
  byId,
  callsTo,
  CAPTURE_TIME,
  createTemplate as createSharedTemplate,
  invoke,
  invokeFailing,
  NOTIFICATION_TIME,
  OPTIONAL,
  REGION,
  REQUIRED,
  single,
  useMotoSuite,
  type VersionOptions,
} from './support';

const ID = 'imdsv2-launch-template';
const TYPE = 'AWS::EC2::LaunchTemplate';
const s = useMotoSuite();

const createTemplate = (name: string, versions: readonly VersionOptions[], tags?: Record<string, string>) =>
  createSharedTemplate(s.ec2, name, versions, tags);

const setDefault = (id: string, version: number) =>
  s.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: String(version) }));
const item = (id: string, dataVersion?: string) => launchTemplateItem(s.ec2, id, { captureTime: CAPTURE_TIME, dataVersion });
const onChange = (configurationItem: ConfigurationItem, ruleParameters?: Record<string, unknown>) =>
  invoke(s.front, ID, changeEvent({ configurationItem, ruleParameters }));

describe('change notifications (ConfigurationItemChangeNotification)', () => {
  test('Noncompliance 1: default changed to a compliant v2, latest v3 allows IMDSv1: names v3 $Latest only', async () => {
    const id = await createTemplate('web', [OPTIONAL, REQUIRED, OPTIONAL]);
    await setDefault(id, 2);
    const configurationItem = await item(id);
    expect(configurationItem.configuration).toMatchObject({ DefaultVersionNumber: '2', LatestVersionNumber: '3' });

    const inv = await onChange(configurationItem);

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceType: TYPE, ComplianceResourceId: id, ComplianceType: 'NON_COMPLIANT' });
    expect(e.OrderingTimestamp).toEqual(at(CAPTURE_TIME));
    expect(e.Annotation).toMatch(/^v3 \$Latest: HttpTokens=optional\. /);
    expect(e.Annotation).toContain(`--launch-template-id ${id} --source-version 3`);
    // v1 (bad, but neither default nor latest) and v2 (good) are not named; a bad $Latest alone is not made the default.
    expect(e.Annotation).not.toMatch(/\bv1\b|\bv2\b/);
    expect(e.Annotation).not.toContain('set it as default');
    expect(callsTo(inv, 'ec2').map((c) => [c.operation, c.answeredBy, c.status])).toEqual([['DescribeLaunchTemplateVersions', 'moto', 200]]);
  });

  test("Compliance 1: the same template with versions 'default' judges only v2 $Default", async () => {
    const id = await createTemplate('web', [OPTIONAL, REQUIRED, OPTIONAL]);
    await setDefault(id, 2);

    const e = single(await onChange(await item(id), { versions: 'default' }));

    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'COMPLIANT', Annotation: 'Requires IMDSv2: v2 $Default: HttpTokens=required.' });
  });

  test("Noncompliance 2: versions 'latest' names v3 $Latest", async () => {
    const id = await createTemplate('web', [OPTIONAL, REQUIRED, OPTIONAL]);
    await setDefault(id, 2);
    const e = single(await onChange(await item(id), { versions: 'latest' }));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^v3 \$Latest: HttpTokens=optional\./);
  });

  test('Noncompliance 3: a bad $Default and a different bad $Latest are both named; the fix starts from the default', async () => {
    const id = await createTemplate('web', [undefined, REQUIRED, OPTIONAL]);
    // Default stays v1 (no MetadataOptions); latest is v3 (optional).
    const e = single(await onChange(await item(id)));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^v1 \$Default: no MetadataOptions; v3 \$Latest: HttpTokens=optional\. /);
    expect(e.Annotation).toContain('--source-version 1');
    expect(e.Annotation).toContain('set it as default');
  });

  test('Noncompliance 4: a single version with no MetadataOptions is NON_COMPLIANT, named as both $Default and $Latest', async () => {
    const id = await createTemplate('bare', [undefined]);
    const e = single(await onChange(await item(id)));
    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NON_COMPLIANT' });
    expect(e.Annotation).toMatch(/^v1 \$Default,\$Latest: no MetadataOptions\. /);
    expect(e.Annotation).toContain(`--launch-template-id ${id} --source-version 1`);
  });

  test("Noncompliance 5: the item's LaunchTemplateData is not trusted (it shows the good $Latest, the default is bad)", async () => {
    const id = await createTemplate('web', [OPTIONAL, REQUIRED]);
    const configurationItem = await item(id, '$Latest');
    expect(configurationItem.configuration).toMatchObject({ LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } } });

    const e = single(await onChange(configurationItem));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^v1 \$Default: HttpTokens=optional\. /);
  });

  test('Noncompliance 6: hop limit 2 over maxHopLimit=1; the fix sets the hop limit', async () => {
    const id = await createTemplate('web', [{ HttpTokens: 'required', HttpPutResponseHopLimit: 2 }]);
    const e = single(await onChange(await item(id), { maxHopLimit: '1' }));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain('v1 $Default,$Latest: hop limit 2 > max 1.');
    // The exact command does not fit beside this description: the compact form is given, the hop limit kept.
    expect(e.Annotation).toContain('Fix: create-launch-template-version --region us-east-1 --source-version 1 with MetadataOptions HttpTokens=required, HttpPutResponseHopLimit=1; set it as default');
  });

  test('Compliance 2: endpoint disabled in every selected version', async () => {
    const id = await createTemplate('web', [{ HttpTokens: 'optional', HttpEndpoint: 'disabled' }, REQUIRED]);
    const e = single(await onChange(await item(id)));
    expect(e).toMatchObject({ ComplianceType: 'COMPLIANT', Annotation: 'Requires IMDSv2: v1 $Default: IMDS endpoint disabled; v2 $Latest: HttpTokens=required.' });
  });

  test('Not applicable 1: an active exemption tag', async () => {
    const id = await createTemplate('legacy', [OPTIONAL], { 'imdsv2-exempt': '2099-01-31 vendor AMI' });
    const e = single(await onChange(await item(id), { exemptionTagKey: 'imdsv2-exempt' }));
    expect(e).toMatchObject({ ComplianceType: 'NOT_APPLICABLE', Annotation: 'Exempt until 2099-01-31 by tag imdsv2-exempt: vendor AMI.' });
  });

  test('Not applicable 2: the template is deleted between the event and the describe', async () => {
    const id = await createTemplate('short-lived', [OPTIONAL]);
    const configurationItem = await item(id);
    await s.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id }));

    const inv = await onChange(configurationItem);

    expect(single(inv)).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: 'The resource no longer exists.' });
    expect(callsTo(inv, 'ec2').map((c) => [c.operation, c.status])).toEqual([['DescribeLaunchTemplateVersions', 400]]);
  });

  test('Not applicable 3: a ResourceDeleted item, without a single EC2 call', async () => {
    const id = await createTemplate('gone', [OPTIONAL]);
    const deleted = await launchTemplateItem(s.ec2, id, { captureTime: CAPTURE_TIME, status: 'ResourceDeleted' });
    const inv = await onChange(deleted);
    expect(single(inv)).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE' });
    expect(callsTo(inv, 'ec2')).toEqual([]);
  });
});

describe('acceptInheritedDefaults (the front stands in for GetInstanceMetadataDefaults, which moto lacks)', () => {
  test('Compliance: a version without MetadataOptions inherits the account default HttpTokens=required', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const id = await createTemplate('inherits', [undefined, OPTIONAL]);
    await setDefault(id, 1);

    const inv = await onChange(await item(id), { acceptInheritedDefaults: 'true', versions: 'default' });

    const e = single(inv);
    expect(e).toMatchObject({ ComplianceResourceId: id, ComplianceType: 'COMPLIANT' });
    expect(e.Annotation).toBe('Requires IMDSv2: v1 $Default: no MetadataOptions, inherits account default HttpTokens=required.');
    expect(inv.calls.filter((c) => c.operation === 'GetInstanceMetadataDefaults')).toEqual([expect.objectContaining({ answeredBy: 'front' })]);
  });

  test('Noncompliance: an explicit optional is never rescued by the account default', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const id = await createTemplate('inherits', [undefined, OPTIONAL]);
    const e = single(await onChange(await item(id), { acceptInheritedDefaults: 'true' }));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^v2 \$Latest: HttpTokens=optional\. /);
    expect(e.Annotation).not.toContain('v1 $Default:');
  });

  test('Noncompliance: with no account default and a moto AMI without ImdsSupport, nothing is inherited', async () => {
    const id = await createTemplate('inherits', [undefined]);
    const e = single(await onChange(await item(id), { acceptInheritedDefaults: 'true' }));
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain('no MetadataOptions; no AMI v2.0 or account default requires IMDSv2');
  });

  test('without acceptInheritedDefaults the account default is not even read', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const id = await createTemplate('inherits', [undefined]);
    const inv = await onChange(await item(id));
    expect(single(inv).ComplianceType).toBe('NON_COMPLIANT');
    expect(inv.calls.map((c) => c.operation)).not.toContain('GetInstanceMetadataDefaults');
  });
});

describe('an AMI that cannot be read never stops the rule (acceptInheritedDefaults)', () => {
  /** An AMI moto made from an instance and then deregistered: DescribeImages answers InvalidAMIID.NotFound. */
  async function deregisteredAmi(): Promise<string> {
    const run = await s.ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    const image = await s.ec2.send(new CreateImageCommand({ InstanceId: run.Instances![0].InstanceId!, Name: `gone-${Date.now()}` }));
    await s.ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId! }));
    return image.ImageId!;
  }
  const bareOn = (name: string, imageId: string) =>
    s.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' } })).then((o) => o.LaunchTemplate!.LaunchTemplateId!);
  const inherit = { acceptInheritedDefaults: 'true' };

  test('Noncompliance: sweep over a deregistered AMI, a malformed id and an unresolved alias: each named, every other template judged', async () => {
    const gone = await deregisteredAmi();
    const ids = {
      deregistered: await bareOn('deregistered', gone),
      malformed: await bareOn('malformed', 'ami-not-an-id'),
      alias: await bareOn('alias', 'resolve:ssm:/golden/ami'),
      bare: await createTemplate('bare', [undefined]),
      good: await createTemplate('good', [REQUIRED]),
      bad: await createTemplate('bad', [OPTIONAL]),
    };

    const inv = await invoke(s.front, ID, scheduledEvent({ ruleParameters: inherit, notificationCreationTime: NOTIFICATION_TIME }));

    const sent = byId(inv);
    const verdict = (id: string) => [sent.get(id)?.ComplianceType, sent.get(id)?.Annotation] as const;
    expect(verdict(ids.deregistered)[0]).toBe('NON_COMPLIANT');
    expect(verdict(ids.deregistered)[1]).toContain(`no MetadataOptions; cannot verify the AMI's ImdsSupport: ${gone} not found (deregistered or not shared`);
    expect(verdict(ids.malformed)).toEqual(['NON_COMPLIANT', expect.stringContaining("cannot verify the AMI's ImdsSupport: malformed AMI id ami-not-an-id")]);
    // moto does not resolve `resolve:ssm:` aliases (AWS does, with ResolveAlias): one it cannot resolve is named.
    expect(verdict(ids.alias)).toEqual(['NON_COMPLIANT', expect.stringContaining("cannot verify the AMI's ImdsSupport: alias resolve:ssm:/golden/ami not resolved")]);
    expect(verdict(ids.bare)).toEqual(['NON_COMPLIANT', expect.stringContaining('no MetadataOptions; no AMI v2.0 or account default requires IMDSv2')]);
    expect(verdict(ids.good)[0]).toBe('COMPLIANT');
    expect(verdict(ids.bad)[0]).toBe('NON_COMPLIANT');
    // The malformed id and the alias are never sent: one DescribeImages for the page. (moto answers a
    // deregistered id in a list with silence; AWS refuses the list with InvalidAMIID.NotFound, and
    // the per-id retry for that is tested with a mock in test/rules/common/aws-reads.test.ts.)
    const images = inv.calls.filter((c) => c.operation === 'DescribeImages');
    expect(images.map((c) => c.status)).toEqual([200]);

    // The change path gives each the same verdict.
    for (const id of Object.values(ids)) {
      const change = single(await onChange(await item(id), inherit));
      expect([change.ComplianceType, change.Annotation]).toEqual(verdict(id));
    }
  });

  test('Compliance: an unreadable AMI does not matter when the account default requires IMDSv2', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const id = await bareOn('deregistered', await deregisteredAmi());
    const e = single(await onChange(await item(id), inherit));
    expect(e).toMatchObject({ ComplianceType: 'COMPLIANT', Annotation: 'Requires IMDSv2: v1 $Default,$Latest: no MetadataOptions, inherits account default HttpTokens=required.' });
  });
});

describe('periodic sweep (ScheduledNotification)', () => {
  test('every template once, judged as on change; a vanished template becomes NOT_APPLICABLE; other types are left alone', async () => {
    const good = await createTemplate('good', [REQUIRED]);
    const badLatest = await createTemplate('bad-latest', [REQUIRED, OPTIONAL]);
    const bare = await createTemplate('bare', [undefined]);
    const exempt = await createTemplate('exempt', [OPTIONAL], { 'imdsv2-exempt': '2099-12-31' });
    const ids = [good, badLatest, bare, exempt];
    const gone = 'lt-0123456789abcdef0';
    const otherType = { resourceType: 'AWS::EC2::Instance', resourceId: 'i-0123456789abcdef0', complianceType: 'NON_COMPLIANT' } as const;
    s.front.config.seedResults(DEFAULT_RULE_NAME, [{ resourceType: TYPE, resourceId: gone, complianceType: 'COMPLIANT' }, otherType]);
    const params = { exemptionTagKey: 'imdsv2-exempt' };

    const inv = await invoke(s.front, ID, scheduledEvent({ ruleParameters: params, notificationCreationTime: NOTIFICATION_TIME }));

    const sent = byId(inv);
    expect([...sent.keys()].sort()).toEqual([...ids, gone].sort());
    expect(inv.returned.every((e) => e.ComplianceResourceType === TYPE && e.OrderingTimestamp.getTime() === at(NOTIFICATION_TIME).getTime())).toBe(true);
    expect([good, badLatest, bare, exempt, gone].map((id) => sent.get(id)!.ComplianceType)).toEqual([
      'COMPLIANT',
      'NON_COMPLIANT',
      'NON_COMPLIANT',
      'NOT_APPLICABLE',
      'NOT_APPLICABLE',
    ]);
    expect(sent.get(badLatest)!.Annotation).toMatch(/^v2 \$Latest: HttpTokens=optional\./);
    expect(sent.get(gone)!.Annotation).toBe('The resource no longer exists.');
    expect(s.front.config.results(DEFAULT_RULE_NAME)).toContainEqual(expect.objectContaining(otherType));
    expect(s.front.config.results(DEFAULT_RULE_NAME).map((r) => r.resourceId)).not.toContain(gone);

    // The change path gives the same verdict and annotation for every template.
    for (const id of ids) {
      const change = single(await onChange(await item(id), params));
      expect([change.ComplianceType, change.Annotation]).toEqual([sent.get(id)!.ComplianceType, sent.get(id)!.Annotation]);
    }
  });
});

describe('typed errors through the bundle (built with keepNames)', () => {
  test('a malformed event throws MalformedEventError and sends nothing', async () => {
    const id = await createTemplate('web', [REQUIRED]);
    const event = changeEvent({ configurationItem: await item(id) });
    const broken = { ...event, invokingEvent: JSON.stringify({ ...JSON.parse(event.invokingEvent), messageType: 'SomethingElse' }) };
    const error = await invokeFailing(s.front, ID, broken);
    expect(error.name).toBe('MalformedEventError');
    expect(error.message).toContain('SomethingElse');
  });

  test("an unknown versions value throws InvalidParameterError and sends nothing", async () => {
    const id = await createTemplate('web', [REQUIRED]);
    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem: await item(id), ruleParameters: { versions: 'oldest' } }));
    expect(error.name).toBe('InvalidParameterError');
    expect(error.message).toContain('versions');
  });
});

describe('periodic sweep cost: two account-wide listings, not one read per template', () => {
  const versionReads = (inv: Awaited<ReturnType<typeof invoke>>) =>
    inv.calls.filter((c) => c.operation === 'DescribeLaunchTemplateVersions').length;

  test('4 templates: one DescribeLaunchTemplates and one account-wide DescribeLaunchTemplateVersions', async () => {
    const ids = [
      await createTemplate('a', [REQUIRED]),
      await createTemplate('b', [REQUIRED, OPTIONAL]),
      await createTemplate('c', [OPTIONAL, REQUIRED]),
      await createTemplate('d', [undefined]),
    ];
    await setDefault(ids[2], 2);
    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));
    expect(inv.calls.filter((c) => c.operation === 'DescribeLaunchTemplates')).toHaveLength(1);
    expect(versionReads(inv)).toBe(1);
    expect(ids.map((id) => byId(inv).get(id)?.ComplianceType)).toEqual(['COMPLIANT', 'NON_COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT']);
    expect(byId(inv).get(ids[2])!.Annotation).toBe('Requires IMDSv2: v2 $Default,$Latest: HttpTokens=required.');
  });

  test('a version listing cut short (moto stops at MaxResults without a NextToken): the templates it missed are read alone, none skipped', async () => {
    // 120 one-version templates give 240 $Default/$Latest entries; moto answers the first 200 (100
    // templates) and no NextToken, so 20 templates are missing from the listing. On AWS the listing
    // pages on; either way every template must be judged, once.
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push(await createTemplate(`t${String(i).padStart(3, '0')}`, [i % 3 === 0 ? OPTIONAL : REQUIRED]));
    const inv = await invoke(s.front, ID, scheduledEvent({ notificationCreationTime: NOTIFICATION_TIME }));
    const sent = byId(inv);
    expect(inv.returned).toHaveLength(120);
    expect(ids.map((id) => [id, sent.get(id)?.ComplianceType])).toEqual(
      ids.map((id, i) => [id, i % 3 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT']),
    );
    expect(versionReads(inv)).toBe(1 + 20);
  });

  test('acceptInheritedDefaults: one DescribeImages per page of templates and the account default read once', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required' });
    const ids = [await createTemplate('x', [undefined]), await createTemplate('y', [undefined]), await createTemplate('z', [OPTIONAL])];
    const inv = await invoke(s.front, ID, scheduledEvent({ ruleParameters: { acceptInheritedDefaults: 'true' }, notificationCreationTime: NOTIFICATION_TIME }));
    expect(ids.map((id) => byId(inv).get(id)?.ComplianceType)).toEqual(['COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT']);
    expect(inv.calls.filter((c) => c.operation === 'DescribeImages')).toHaveLength(1);
    expect(inv.calls.filter((c) => c.operation === 'GetInstanceMetadataDefaults')).toHaveLength(1);
    expect(versionReads(inv)).toBe(1);
  });
});
