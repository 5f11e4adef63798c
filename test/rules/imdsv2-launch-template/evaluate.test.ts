import type { ComplianceType } from '../../../lambda/kit/verdict';
import type { MetadataOptions } from '../../../lambda/rules/common/metadata-options';
import type { LaunchTemplateParameters } from '../../../lambda/rules/imdsv2-launch-template/definition';
import { evaluate } from '../../../lambda/rules/imdsv2-launch-template/evaluate';
import type { LaunchTemplateSubject, LaunchTemplateVersionData } from '../../../lambda/rules/imdsv2-launch-template/subject';

const NOW = new Date('2026-06-15T12:00:00Z');
const LT = 'lt-0123456789abcdef0';
const KEY = 'imdsv2-exempt';
const REQUIRED: MetadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 1 };
const OPTIONAL: MetadataOptions = { httpTokens: 'optional', httpEndpoint: 'enabled' };

const version = (versionNumber: number, metadataOptions?: MetadataOptions, imageImdsSupport?: string): LaunchTemplateVersionData => ({
  versionNumber,
  metadataOptions,
  imageId: 'ami-0123456789abcdef0',
  imageImdsSupport,
});
const template = (defaultVersion: LaunchTemplateVersionData, latestVersion: LaunchTemplateVersionData, over: Partial<LaunchTemplateSubject> = {}): LaunchTemplateSubject => ({
  launchTemplateId: LT,
  launchTemplateName: 'web',
  defaultVersion,
  latestVersion,
  tags: {},
  ...over,
});
const BOTH: LaunchTemplateParameters = { versions: ['default', 'latest'], acceptInheritedDefaults: false };
const INHERIT: LaunchTemplateParameters = { ...BOTH, acceptInheritedDefaults: true };

interface Case {
  readonly subject: LaunchTemplateSubject;
  readonly params?: LaunchTemplateParameters;
  readonly type: ComplianceType;
  readonly says: ReadonlyArray<string | RegExp>;
  readonly never?: readonly string[];
}

const CASES: Array<[string, Case]> = [
  ['Compliance: default is latest and requires IMDSv2', { subject: template(version(3, REQUIRED), version(3, REQUIRED)), type: 'COMPLIANT', says: ['v3 $Default,$Latest', 'HttpTokens=required'] }],
  ['Compliance: default and latest differ, both required', { subject: template(version(3, REQUIRED), version(5, REQUIRED)), type: 'COMPLIANT', says: ['v3 $Default', 'v5 $Latest'] }],
  ['Compliance: endpoint disabled with tokens optional', { subject: template(version(2, { httpTokens: 'optional', httpEndpoint: 'disabled' }), version(2)), type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Compliance: versions=default ignores a bad latest', { subject: template(version(3, REQUIRED), version(5, OPTIONAL)), params: { ...BOTH, versions: ['default'] }, type: 'COMPLIANT', says: ['v3 $Default'], never: ['v5'] }],
  ['Compliance: versions=latest ignores a bad default', { subject: template(version(3, OPTIONAL), version(5, REQUIRED)), params: { ...BOTH, versions: ['latest'] }, type: 'COMPLIANT', says: ['v5 $Latest'], never: ['v3'] }],
  ['Compliance: no MetadataOptions but AMI ImdsSupport v2.0 (inheritance accepted)', { subject: template(version(4, undefined, 'v2.0'), version(4)), params: INHERIT, type: 'COMPLIANT', says: ['v4', 'AMI ImdsSupport=v2.0'] }],
  ['Compliance: no MetadataOptions but account default required (inheritance accepted)', { subject: template(version(4), version(4), { accountDefaultHttpTokens: 'required' }), params: INHERIT, type: 'COMPLIANT', says: ['account default HttpTokens=required'] }],
  ['Compliance: hop limit at the max', { subject: template(version(3, { httpTokens: 'required', hopLimit: 2 }), version(3)), params: { ...BOTH, maxHopLimit: 2 }, type: 'COMPLIANT', says: ['hop limit 2'] }],
  ['Compliance: expired exemption does not matter when compliant', { subject: template(version(3, REQUIRED), version(3), { tags: { [KEY]: '2025-01-01' } }), params: { ...BOTH, exemptionTagKey: KEY }, type: 'COMPLIANT', says: ['expired 2025-01-01'] }],
  ['Noncompliance 1: default is latest and allows IMDSv1', { subject: template(version(3, OPTIONAL), version(3, OPTIONAL)), type: 'NON_COMPLIANT', says: ['v3 $Default,$Latest: HttpTokens=optional', `--launch-template-id ${LT} --source-version 3`, `'{"MetadataOptions":{"HttpTokens":"required"}}'`, 'set it as default'] }],
  ['Noncompliance 2: default has no MetadataOptions, latest optional', { subject: template(version(3), version(5, OPTIONAL)), type: 'NON_COMPLIANT', says: ['v3 $Default: no MetadataOptions', 'v5 $Latest: HttpTokens=optional', '--source-version 3', 'HttpTokens=required', 'set it as default'] }],
  ['Noncompliance 3: default compliant, latest not', { subject: template(version(3, REQUIRED), version(5, OPTIONAL)), type: 'NON_COMPLIANT', says: ['v5 $Latest: HttpTokens=optional', `--launch-template-id ${LT} --source-version 5`], never: ['v3', 'set it as default'] }],
  ['Noncompliance 4: latest compliant, default not (an older good version does not rescue it)', { subject: template(version(3, OPTIONAL), version(5, REQUIRED)), type: 'NON_COMPLIANT', says: ['v3 $Default: HttpTokens=optional', '--source-version 3', 'set it as default'], never: ['v5'] }],
  ['Noncompliance 5: versions=default with a bad default', { subject: template(version(3, OPTIONAL), version(5, REQUIRED)), params: { ...BOTH, versions: ['default'] }, type: 'NON_COMPLIANT', says: ['v3 $Default', '--source-version 3'] }],
  ['Noncompliance 6: versions=latest with a bad latest', { subject: template(version(3, REQUIRED), version(5, OPTIONAL)), params: { ...BOTH, versions: ['latest'] }, type: 'NON_COMPLIANT', says: ['v5 $Latest', '--source-version 5'] }],
  ['Noncompliance 7: versions=latest when latest is also the default', { subject: template(version(7, OPTIONAL), version(7, OPTIONAL)), params: { ...BOTH, versions: ['latest'] }, type: 'NON_COMPLIANT', says: ['v7 $Default,$Latest', 'set it as default'] }],
  ['Noncompliance 8: version without MetadataOptions, inheritance not accepted', { subject: template(version(4, undefined, 'v2.0'), version(4), { accountDefaultHttpTokens: 'required' }), type: 'NON_COMPLIANT', says: ['v4 $Default,$Latest: no MetadataOptions', '--source-version 4'] }],
  ['Noncompliance 9: explicit optional is not rescued by AMI v2.0', { subject: template(version(4, OPTIONAL, 'v2.0'), version(4), { accountDefaultHttpTokens: 'required' }), params: INHERIT, type: 'NON_COMPLIANT', says: ['HttpTokens=optional'] }],
  ['Noncompliance 10: account default optional overrides AMI v2.0', { subject: template(version(4, undefined, 'v2.0'), version(4), { accountDefaultHttpTokens: 'optional' }), params: INHERIT, type: 'NON_COMPLIANT', says: ['account default HttpTokens=optional'] }],
  ['Noncompliance 11: required with hop limit over the max', { subject: template(version(3, { httpTokens: 'required', hopLimit: 4 }), version(3)), params: { ...BOTH, maxHopLimit: 2 }, type: 'NON_COMPLIANT', says: ['hop limit 4 > max 2', /HttpPutResponseHopLimit(=|":)2\b/, '--source-version 3'] }],
  ['Noncompliance 12: expired exemption', { subject: template(version(3, OPTIONAL), version(3), { tags: { [KEY]: '2026-06-01' } }), params: { ...BOTH, exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['expired 2026-06-01', 'HttpTokens=optional', 'Fix:'] }],
  ['Noncompliance 13: unreadable exemption', { subject: template(version(3, OPTIONAL), version(3), { tags: { [KEY]: 'tbd' } }), params: { ...BOTH, exemptionTagKey: KEY }, type: 'NON_COMPLIANT', says: ['"tbd" unreadable', 'Fix:'] }],
  ['Not applicable: active exemption', { subject: template(version(3, OPTIONAL), version(3), { tags: { [KEY]: '2027-03-31 vendor appliance' } }), params: { ...BOTH, exemptionTagKey: KEY }, type: 'NOT_APPLICABLE', says: ['Exempt until 2027-03-31', 'vendor appliance'] }],
];

describe('imdsv2-launch-template evaluate', () => {
  test.each(CASES)('%s', (_name, c) => {
    const verdict = evaluate(c.subject, c.params ?? BOTH, NOW);
    expect(verdict.complianceType).toBe(c.type);
    for (const text of c.says) expect(verdict.annotation).toMatch(text);
    for (const text of c.never ?? []) expect(verdict.annotation).not.toContain(text);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  test('when $Default and $Latest are one version it is reported once', () => {
    const { annotation } = evaluate(template(version(3, OPTIONAL), version(3, OPTIONAL)), BOTH, NOW);
    expect(annotation.match(/v3/g)).toHaveLength(1);
  });

  test('the fix is the exact CLI command whenever it fits', () => {
    const { annotation } = evaluate(template(version(12, OPTIONAL), version(12)), BOTH, NOW);
    expect(annotation).toContain(
      `Fix: aws ec2 create-launch-template-version --launch-template-id ${LT} --source-version 12 --launch-template-data '{"MetadataOptions":{"HttpTokens":"required"}}'; set it as default`,
    );
  });

  test('the exact command names the region whenever it fits', () => {
    const { annotation } = evaluate(template(version(12, OPTIONAL), version(13, REQUIRED), { region: 'eu-west-1' }), BOTH, NOW);
    expect(annotation).toBe(
      'v12 $Default: HttpTokens=optional. ' +
        `Fix: aws ec2 create-launch-template-version --launch-template-id ${LT} --source-version 12 --launch-template-data '{"MetadataOptions":{"HttpTokens":"required"}}' --region eu-west-1; set it as default`,
    );
  });

  test('the fix keeps the failing version\'s hop limit and InstanceMetadataTags (a partial MetadataOptions replaces the whole); with them the compact form is given', () => {
    const containers: MetadataOptions = { httpTokens: 'optional', httpEndpoint: 'enabled', hopLimit: 2, instanceMetadataTags: 'enabled' };
    const { annotation } = evaluate(template(version(7, containers), version(7), { region: 'eu-west-1' }), BOTH, NOW);
    // The exact command would be 250 characters: it does not fit beside the description.
    expect(annotation).toBe(
      'v7 $Default,$Latest: HttpTokens=optional. ' +
        'Fix: create-launch-template-version --region eu-west-1 --source-version 7 with MetadataOptions HttpTokens=required, HttpPutResponseHopLimit=2, InstanceMetadataTags=enabled; set it as default',
    );
  });

  test('the exact command carries the kept settings when it fits ($Latest alone, short id)', () => {
    const { annotation } = evaluate(template(version(1, REQUIRED), version(2, { httpTokens: 'optional', hopLimit: 2 }), { launchTemplateId: 'lt-0a1b2c3d', region: 'us-east-1' }), BOTH, NOW);
    expect(annotation).toContain(`--launch-template-data '{"MetadataOptions":{"HttpTokens":"required","HttpPutResponseHopLimit":2}}' --region us-east-1`);
    expect(annotation.length).toBeLessThanOrEqual(256);
  });

  test('with a long description the shortest form is kept whole and still names the region', () => {
    const containers: MetadataOptions = { httpTokens: 'optional', hopLimit: 2, instanceMetadataTags: 'enabled', httpProtocolIpv6: 'enabled' };
    const subject = template(version(7, containers), version(9, OPTIONAL), { region: 'ap-southeast-2', launchTemplateId: `lt-${'0'.repeat(17)}`, tags: { [KEY]: 'someday' } });
    const { annotation } = evaluate(subject, { ...BOTH, exemptionTagKey: KEY }, NOW);
    expect(annotation.length).toBeLessThanOrEqual(256);
    expect(annotation).toMatch(/Fix: create-launch-template-version --region ap-southeast-2 --source-version 7 with (MetadataOptions HttpTokens=required, HttpPutResponseHopLimit=2, InstanceMetadataTags=enabled, HttpProtocolIpv6=enabled|HttpTokens=required, keeping its other MetadataOptions); set it as default$/);
  });

  test('a hop limit over the max is replaced by the max; settings left at their default are not added', () => {
    const { annotation } = evaluate(template(version(3, { httpTokens: 'required', hopLimit: 4, instanceMetadataTags: 'disabled' }), version(3), { region: 'us-east-2' }), { ...BOTH, maxHopLimit: 2 }, NOW);
    expect(annotation).toContain('Fix: create-launch-template-version --region us-east-2 --source-version 3 with MetadataOptions HttpTokens=required, HttpPutResponseHopLimit=2; set it as default');
    expect(annotation).not.toContain('InstanceMetadataTags');
  });

  test('long names and many problems stay within 256 characters and still name both versions', () => {
    const longId = `lt-${'a'.repeat(60)}`;
    const subject = template(version(123456, { httpTokens: 'weird-value-from-the-future', hopLimit: 64 }), version(123457), {
      launchTemplateId: longId,
      launchTemplateName: 'n'.repeat(128),
      tags: { [KEY]: `2020-01-01 ${'r'.repeat(240)}` },
    });
    const verdict = evaluate(subject, { ...BOTH, maxHopLimit: 1, exemptionTagKey: KEY }, NOW);
    expect(verdict.complianceType).toBe('NON_COMPLIANT');
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
    expect(verdict.annotation).toContain('v123456');
    expect(verdict.annotation).toContain('v123457');
    expect(verdict.annotation).toContain('Fix:');
  });

  test('a missing version is reported, not thrown on', () => {
    const odd = { launchTemplateId: LT, defaultVersion: undefined, latestVersion: version(2, REQUIRED), tags: {} } as unknown as LaunchTemplateSubject;
    const verdict = evaluate(odd, BOTH, NOW);
    expect(verdict.complianceType).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('version data missing');
  });
});
