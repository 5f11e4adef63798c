import type { ComplianceType } from '../../../lambda/kit/verdict';
import type { MetadataOptions } from '../../../lambda/rules/common/metadata-options';
import type { LaunchConfigurationParameters } from '../../../lambda/rules/imdsv2-launch-configuration/definition';
import { evaluate } from '../../../lambda/rules/imdsv2-launch-configuration/evaluate';
import type { LaunchConfigurationSubject } from '../../../lambda/rules/imdsv2-launch-configuration/subject';

const NOW = new Date('2026-06-15T12:00:00Z');
const NAME = 'web-v1';
const DEFAULTS: LaunchConfigurationParameters = { maxHopLimit: 1 };

const lc = (metadataOptions?: MetadataOptions, name = NAME): LaunchConfigurationSubject => ({
  launchConfigurationName: name,
  launchConfigurationArn: `arn:aws:autoscaling:eu-west-1:111122223333:launchConfiguration:0000:launchConfigurationName/${name}`,
  metadataOptions,
  imageId: 'ami-0123456789abcdef0',
});

interface Case {
  readonly subject: LaunchConfigurationSubject;
  readonly params?: LaunchConfigurationParameters;
  readonly type: ComplianceType;
  readonly says: ReadonlyArray<string | RegExp>;
  readonly never?: readonly string[];
}

const MIGRATE = /Fix: .*migrate .*launch template with (MetadataOptions )?HttpTokens=required/;
const DOCUMENT = 'imdsv2-launch-configuration';

const CASES: Array<[string, Case]> = [
  ['Compliance: tokens required, hop limit 1', { subject: lc({ httpTokens: 'required', httpEndpoint: 'enabled', hopLimit: 1 }), type: 'COMPLIANT', says: [`LC ${NAME}`, 'HttpTokens=required', 'deprecated'], never: ['Fix:'] }],
  ['Compliance: tokens required, hop limit not set', { subject: lc({ httpTokens: 'required' }), type: 'COMPLIANT', says: ['HttpTokens=required'] }],
  ['Compliance: endpoint disabled with tokens optional', { subject: lc({ httpTokens: 'optional', httpEndpoint: 'disabled' }), type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Compliance: hop limit 2 allowed when maxHopLimit is 2', { subject: lc({ httpTokens: 'required', hopLimit: 2 }), params: { maxHopLimit: 2 }, type: 'COMPLIANT', says: ['hop limit 2'] }],
  ['Noncompliance 1: no MetadataOptions (AutoScaling.3)', { subject: lc(undefined), type: 'NON_COMPLIANT', says: [`LC ${NAME}`, 'no MetadataOptions', MIGRATE, DOCUMENT, 'immutable'] }],
  ['Noncompliance 2: tokens optional (AutoScaling.3)', { subject: lc({ httpTokens: 'optional', hopLimit: 1 }), type: 'NON_COMPLIANT', says: ['HttpTokens=optional', MIGRATE, DOCUMENT] }],
  ['Noncompliance 3: hop limit 2 over the default max of 1 (AutoScaling.4)', { subject: lc({ httpTokens: 'required', hopLimit: 2 }), type: 'NON_COMPLIANT', says: ['hop limit 2 > max 1', 'HttpPutResponseHopLimit<=1', MIGRATE, DOCUMENT] }],
  ['Noncompliance 4: tokens not set', { subject: lc({ httpEndpoint: 'enabled' }), type: 'NON_COMPLIANT', says: ['HttpTokens not set', MIGRATE] }],
  ['Noncompliance 5: unrecognised tokens value', { subject: lc({ httpTokens: 'sometimes' }), type: 'NON_COMPLIANT', says: ['unrecognised value', MIGRATE] }],
  [
    'Noncompliance 7: endpoint disabled but hop limit 2 over the max (AutoScaling.4 reads the hop limit whatever the endpoint)',
    { subject: lc({ httpTokens: 'optional', httpEndpoint: 'disabled', hopLimit: 2 }), type: 'NON_COMPLIANT', says: ['allows too many hops', 'hop limit 2 > max 1 (even with the endpoint disabled)', 'HttpPutResponseHopLimit<=1', DOCUMENT], never: ['HttpTokens=optional'] },
  ],
  ['Noncompliance 8: endpoint disabled, hop limit outside 1-64', { subject: lc({ httpEndpoint: 'disabled', hopLimit: 99 }), params: { maxHopLimit: 64 }, type: 'NON_COMPLIANT', says: ['hop limit 99 outside 1-64'] }],
  ['Compliance: endpoint disabled, hop limit at the max', { subject: lc({ httpEndpoint: 'disabled', hopLimit: 2 }), params: { maxHopLimit: 2 }, type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Compliance: endpoint disabled, hop limit unset', { subject: lc({ httpEndpoint: 'disabled' }), type: 'COMPLIANT', says: ['endpoint disabled'] }],
  ['Noncompliance 6: missing maxHopLimit falls back to 1', { subject: lc({ httpTokens: 'required', hopLimit: 3 }), params: {} as LaunchConfigurationParameters, type: 'NON_COMPLIANT', says: ['hop limit 3 > max 1'] }],
];

describe('imdsv2-launch-configuration evaluate', () => {
  test.each(CASES)('%s', (_name, c) => {
    const verdict = evaluate(c.subject, c.params ?? DEFAULTS, NOW);
    expect(verdict.complianceType).toBe(c.type);
    for (const text of c.says) expect(verdict.annotation).toMatch(text);
    for (const text of c.never ?? []) expect(verdict.annotation).not.toContain(text);
    expect(verdict.annotation.length).toBeLessThanOrEqual(256);
  });

  test('a 255-character name stays within 256 characters and keeps the migration advice', () => {
    for (const options of [undefined, { httpTokens: 'optional' }, { httpTokens: 'required', hopLimit: 64 }, { httpTokens: 'required' }]) {
      const verdict = evaluate(lc(options, 'n'.repeat(255)), DEFAULTS, NOW);
      expect(verdict.annotation.length).toBeLessThanOrEqual(256);
      if (verdict.complianceType === 'NON_COMPLIANT') {
        expect(verdict.annotation).toMatch(MIGRATE);
        expect(verdict.annotation).toContain(DOCUMENT);
      }
    }
  });
});
