import type { ComplianceType } from '../../../lambda/kit/verdict';
import type { MetadataOptions } from '../../../lambda/rules/common/metadata-options';
import type { AutoScalingGroupParameters } from '../../../lambda/rules/imdsv2-auto-scaling-group/definition';
import { tagListToMap } from '../../../lambda/rules/common/aws-reads';
import { evaluate } from '../../../lambda/rules/imdsv2-auto-scaling-group/evaluate';
import type { AutoScalingGroupSubject, GroupInstance, LaunchSource } from '../../../lambda/rules/imdsv2-auto-scaling-group/subject';

const NOW = new Date('2026-06-15T12:00:00Z');
const GROUP = 'web-asg';
const KEY = 'imdsv2-exempt';
const REQUIRED: MetadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 1 };
const OPTIONAL: MetadataOptions = { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 1 };
const REFRESH = `Fix: aws autoscaling start-instance-refresh --auto-scaling-group-name ${GROUP}`;

const lcSource = (metadataOptions?: MetadataOptions, found = true): LaunchSource => ({ kind: 'launch-configuration', label: 'LC web-v1', found, metadataOptions });
const ltSource = (v: number, metadataOptions?: MetadataOptions, extra: Partial<LaunchSource> = {}): LaunchSource => ({
  kind: 'launch-template',
  label: `LT lt-0abc (web) v${v}`,
  found: true,
  metadataOptions,
  ...extra,
});
const inst = (instanceId: string, metadataOptions?: MetadataOptions, lifecycleState: string | undefined = 'InService'): GroupInstance => ({ instanceId, lifecycleState, metadataOptions });
const group = (sources: LaunchSource[], instances: GroupInstance[] = [], over: Partial<AutoScalingGroupSubject> = {}): AutoScalingGroupSubject => ({
  autoScalingGroupName: GROUP,
  autoScalingGroupArn: `arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:0000:autoScalingGroupName/${GROUP}`,
  sources,
  instances,
  tags: {},
  ...over,
});
const PARAMS: AutoScalingGroupParameters = { checkInstances: true, acceptInheritedDefaults: false };

interface Case {
  readonly subject: AutoScalingGroupSubject;
  readonly params?: AutoScalingGroupParameters;
  readonly type: ComplianceType;
  readonly says: ReadonlyArray<string | RegExp>;
  readonly never?: readonly string[];
}

const CASES: Array<[string, Case]> = [
  ['Compliance: launch template source required, instances required', { subject: group([ltSource(3, REQUIRED)], [inst('i-a', REQUIRED)]), type: 'COMPLIANT', says: ['LT lt-0abc (web) v3: HttpTokens=required', 'no live instance accepts IMDSv1'] }],
  ['Compliance: launch configuration source required', { subject: group([lcSource(REQUIRED)]), type: 'COMPLIANT', says: ['LC web-v1'] }],
  ['Compliance: mixed instances, every override required', { subject: group([ltSource(3, REQUIRED), ltSource(7, { httpTokens: 'required' })]), type: 'COMPLIANT', says: ['v3', 'v7'] }],
  ['Compliance: checkInstances=false ignores stale instances', { subject: group([ltSource(3, REQUIRED)], [inst('i-old', OPTIONAL)]), params: { ...PARAMS, checkInstances: false }, type: 'COMPLIANT', says: ['instances not checked'], never: ['i-old'] }],
  ['Compliance: instances with unknown options are ignored', { subject: group([ltSource(3, REQUIRED)], [inst('i-unknown', undefined)]), type: 'COMPLIANT', says: ['no live instance'] }],
  [
    'Compliance: only instances that are leaving are not counted (Terminating*, Detaching, Warmed:Terminating*)',
    {
      subject: group(
        [ltSource(3, REQUIRED)],
        ['Terminating', 'Terminating:Wait', 'Terminating:Proceed', 'Terminated', 'Detaching', 'Detached', 'Warmed:Terminating', 'Warmed:Terminating:Wait', 'Warmed:Terminating:Proceed', 'Warmed:Terminated'].map((state, i) =>
          inst(`i-leaving${i}`, OPTIONAL, state),
        ),
      ),
      type: 'COMPLIANT',
      says: ['no live instance'],
    },
  ],
  ['Compliance: Standby and warm-pool instances that require IMDSv2', { subject: group([ltSource(3, REQUIRED)], [inst('i-s', REQUIRED, 'Standby'), inst('i-w', REQUIRED, 'Warmed:Stopped')]), type: 'COMPLIANT', says: ['no live instance'] }],
  ['Compliance: source without MetadataOptions, AMI v2.0 accepted', { subject: group([ltSource(3, undefined, { imageImdsSupport: 'v2.0' })]), params: { ...PARAMS, acceptInheritedDefaults: true }, type: 'COMPLIANT', says: ['AMI ImdsSupport=v2.0'] }],
  ['Compliance: source without MetadataOptions, account default required accepted', { subject: group([lcSource({})], [], { accountDefaultHttpTokens: 'required' }), params: { ...PARAMS, acceptInheritedDefaults: true }, type: 'COMPLIANT', says: ['account default HttpTokens=required'] }],
  ['Compliance: endpoint-disabled source', { subject: group([ltSource(2, { httpTokens: 'optional', httpEndpoint: 'disabled' })]), type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Noncompliance 1: launch configuration allows IMDSv1', { subject: group([lcSource(OPTIONAL)]), type: 'NON_COMPLIANT', says: ['LC web-v1: HttpTokens=optional', 'migrate to a launch template', 'imdsv2-launch-configuration', `start-instance-refresh --auto-scaling-group-name ${GROUP}`] }],
  ['Noncompliance 2: launch template version has no MetadataOptions', { subject: group([ltSource(3, undefined)]), type: 'NON_COMPLIANT', says: ['LT lt-0abc (web) v3: no MetadataOptions', 'HttpTokens=required', `start-instance-refresh --auto-scaling-group-name ${GROUP}`] }],
  ['Noncompliance 3: mixed instances with one bad override', { subject: group([ltSource(3, REQUIRED), ltSource(8, OPTIONAL)]), type: 'NON_COMPLIANT', says: ['v8: HttpTokens=optional', 'Fix:'], never: ['v3'] }],
  ['Noncompliance 4: source hop limit over the max', { subject: group([ltSource(3, { httpTokens: 'required', hopLimit: 3 })]), params: { ...PARAMS, maxHopLimit: 2 }, type: 'NON_COMPLIANT', says: ['hop limit 3 > max 2', 'Fix:'] }],
  ['Noncompliance 5: missing source', { subject: group([ltSource(9, undefined, { found: false })]), type: 'NON_COMPLIANT', says: ['cannot verify: LT lt-0abc (web) v9 not found', 'Fix:'] }],
  ['Noncompliance 6: missing launch configuration next to a good template', { subject: group([lcSource(undefined, false), ltSource(3, REQUIRED)]), type: 'NON_COMPLIANT', says: ['cannot verify: LC web-v1 not found'], never: ['v3'] }],
  ['Noncompliance 7: empty sources', { subject: group([]), type: 'NON_COMPLIANT', says: ['no launch source', 'Fix:'] }],
  ['Noncompliance 8: sources fine but instances still accept IMDSv1', { subject: group([ltSource(3, REQUIRED)], [inst('i-a', OPTIONAL), inst('i-b', OPTIONAL, 'Pending'), inst('i-c', REQUIRED)]), type: 'NON_COMPLIANT', says: ['Sources require IMDSv2 but 2 in-service instance(s) still accept IMDSv1 (i-a, i-b)', REFRESH], never: ['i-c'] }],
  ['Noncompliance 9: instance with no lifecycle state counts as live', { subject: group([ltSource(3, REQUIRED)], [inst('i-x', { httpEndpoint: 'enabled' }, undefined)]), type: 'NON_COMPLIANT', says: ['1 in-service instance(s)', 'i-x', REFRESH] }],
  ['Noncompliance 10: explicit optional source not rescued by inheritance', { subject: group([ltSource(3, OPTIONAL, { imageImdsSupport: 'v2.0' })], [], { accountDefaultHttpTokens: 'required' }), params: { ...PARAMS, acceptInheritedDefaults: true }, type: 'NON_COMPLIANT', says: ['HttpTokens=optional'] }],
  ['Noncompliance 11: inheritance applies to sources, not to live instances', { subject: group([ltSource(3, undefined, { imageImdsSupport: 'v2.0' })], [inst('i-live', {})]), params: { ...PARAMS, acceptInheritedDefaults: true }, type: 'NON_COMPLIANT', says: ['i-live', REFRESH] }],
  ['Noncompliance 12: expired exemption', { subject: group([lcSource(OPTIONAL)], [], { tags: { [KEY]: '2026-05-31' } }), params: { ...PARAMS, exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['expired 2026-05-31', 'HttpTokens=optional', 'Fix:'] }],
  [
    'Noncompliance 14: a Standby instance still accepts IMDSv1: named, and the fix says to exit standby or replace it',
    { subject: group([ltSource(3, REQUIRED)], [inst('i-s', OPTIONAL, 'Standby')], { region: 'eu-west-1' }), type: 'NON_COMPLIANT', says: ['1 instance(s) still accept IMDSv1 (i-s standby)', 'exit standby', 'StandbyInstances=Terminate', `${REFRESH} --region eu-west-1`] },
  ],
  ...['Warmed:Stopped', 'Warmed:Running', 'Warmed:Hibernated', 'Warmed:Pending', 'EnteringStandby', 'Quarantined'].map((state): [string, Case] => [
    `Noncompliance 15: an instance in ${state} that accepts IMDSv1 can serve without a new launch`,
    { subject: group([ltSource(3, REQUIRED)], [inst('i-w', OPTIONAL, state)], { region: 'eu-west-1' }), type: 'NON_COMPLIANT', says: ['1 ', 'instance(s) still accept IMDSv1 (i-w', `start-instance-refresh --auto-scaling-group-name ${GROUP} --region eu-west-1`] },
  ]),
  [
    'Noncompliance 16: in-service, Standby and warm-pool instances named together, in-service first',
    {
      subject: group([ltSource(3, REQUIRED)], [inst('i-w', OPTIONAL, 'Warmed:Stopped'), inst('i-s', OPTIONAL, 'Standby'), inst('i-a', OPTIONAL)], { region: 'eu-west-1' }),
      type: 'NON_COMPLIANT',
      says: ['Sources require IMDSv2 but 3 instance(s) still accept IMDSv1 (i-a, i-s standby, i-w warm pool).', 'exit standby'],
    },
  ],
  ['Noncompliance 13: unreadable exemption with stale instances', { subject: group([ltSource(3, REQUIRED)], [inst('i-a', OPTIONAL)], { tags: { [KEY]: 'soon' } }), params: { ...PARAMS, exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['"soon" unreadable', 'i-a', REFRESH] }],
  ['Not applicable: active exemption', { subject: group([lcSource(OPTIONAL)], [], { tags: { [KEY]: '2026-09-30 batch fleet, SEC-7' } }), params: { ...PARAMS, exemptionTagKey: KEY }, type: 'NOT_APPLICABLE', says: ['Exempt until 2026-09-30', 'batch fleet, SEC-7'] }],
];

describe('imdsv2-auto-scaling-group evaluate', () => {
  test.each(CASES)('%s', (_name, c) => {
    const verdict = evaluate(c.subject, c.params ?? PARAMS, NOW);
    expect(verdict.complianceType).toBe(c.type);
    for (const text of c.says) expect(verdict.annotation).toMatch(text);
    for (const text of c.never ?? []) expect(verdict.annotation).not.toContain(text);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  test('tag keys named __proto__ / constructor (from DescribeAutoScalingGroups) are plain tags: an exemption under __proto__ works, constructor is not found on Object.prototype', () => {
    const tags = tagListToMap([
      { Key: '__proto__', Value: '2026-09-30 vendor agent' },
      { Key: 'prototype', Value: 'x' },
    ]);
    const exempt = evaluate(group([lcSource(OPTIONAL)], [], { tags }), { ...PARAMS, exemptionTagKey: '__proto__' }, NOW);
    expect(exempt).toEqual({ complianceType: 'NOT_APPLICABLE', annotation: 'Exempt until 2026-09-30 by tag __proto__: vendor agent.' });
    const notExempt = evaluate(group([lcSource(OPTIONAL)], [], { tags }), { ...PARAMS, exemptionTagKey: 'constructor' }, NOW);
    expect(notExempt.complianceType).toBe('NON_COMPLIANT');
    expect(notExempt.annotation).not.toContain('Exemption');
  });

  test('many stale instances are listed within the limit with a count of the rest, keeping the fix', () => {
    const instances = Array.from({ length: 40 }, (_, i) => inst(`i-${String(i).padStart(17, '0')}`, OPTIONAL));
    const verdict = evaluate(group([ltSource(3, REQUIRED)], instances), PARAMS, NOW);
    expect(verdict.complianceType).toBe('NON_COMPLIANT');
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
    expect(verdict.annotation).toContain('40 in-service instance(s)');
    expect(verdict.annotation).toContain('i-00000000000000000');
    expect(verdict.annotation).toMatch(/\+\d+ more/);
    expect(verdict.annotation).toContain(REFRESH);
  });

  test('long group names, labels and tags stay within 256 characters', () => {
    const longName = 'g'.repeat(255);
    const longLabel = `LT lt-${'a'.repeat(40)} (${'n'.repeat(128)}) v123456`;
    const subjects: AutoScalingGroupSubject[] = [
      group([{ kind: 'launch-template', label: longLabel, found: false }, lcSource(OPTIONAL)], [], { autoScalingGroupName: longName }),
      group([ltSource(3, REQUIRED)], [inst(`i-${'f'.repeat(60)}`, OPTIONAL)], { autoScalingGroupName: longName, tags: { [KEY]: 'x'.repeat(256) } }),
      group([], [], { autoScalingGroupName: longName }),
      group([{ kind: 'launch-template', label: longLabel, found: true, metadataOptions: REQUIRED }], [], { autoScalingGroupName: longName }),
    ];
    for (const subject of subjects) {
      const verdict = evaluate(subject, { ...PARAMS, exemptionTagKey: KEY, maxHopLimit: 1 }, NOW);
      expect(verdict.annotation.length).toBeLessThanOrEqual(256);
      if (verdict.complianceType === 'NON_COMPLIANT') expect(verdict.annotation).toContain('Fix:');
    }
  });
});
