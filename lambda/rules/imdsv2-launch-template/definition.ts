import type { RuleDefinition } from '../../kit/rule-definition';
import { listParam } from '../../kit/parameters';
import { acceptInheritedDefaultsParam, exemptionTagKeyParam, maxExemptionDaysParam, maxHopLimitParam } from '../common/parameters';

export type LaunchTemplateVersionRole = 'default' | 'latest';

export interface LaunchTemplateParameters {
  readonly versions: readonly LaunchTemplateVersionRole[];
  readonly maxHopLimit?: number;
  readonly exemptionTagKey?: string;
  readonly maxExemptionDays?: number;
  readonly acceptInheritedDefaults: boolean;
}

export const launchTemplateRule: RuleDefinition<LaunchTemplateParameters, 'imdsv2-launch-template'> = {
  id: 'imdsv2-launch-template',
  resourceType: 'AWS::EC2::LaunchTemplate',
  controls: ['EC2.170'],
  managedRule: 'ec2-launch-template-imdsv2-check',
  summary:
    'EC2 launch templates must require IMDSv2 in their default and latest versions (a version with no MetadataOptions fails); names every offending version.',
  changeTriggered: true,
  parameters: {
    versions: listParam<LaunchTemplateVersionRole>({
      description: 'Which versions to check: default, latest, or default,latest.',
      allowed: ['default', 'latest'],
      defaultValue: ['default', 'latest'],
    }),
    maxHopLimit: maxHopLimitParam(),
    exemptionTagKey: exemptionTagKeyParam,
    maxExemptionDays: maxExemptionDaysParam,
    acceptInheritedDefaults: acceptInheritedDefaultsParam,
  },
};
