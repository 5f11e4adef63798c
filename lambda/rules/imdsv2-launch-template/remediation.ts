import { NO_RESOURCE_LEVEL, INVOKE_HELPER, type RemediationSpec } from '../common/remediation-spec';
import { launchTemplateRule } from './definition';

/** The remediation of remediations/imdsv2-launch-template.yaml: its resource parameter, helper function and role grants. */
export const remediation: RemediationSpec = {
  id: launchTemplateRule.id,
  resourceType: launchTemplateRule.resourceType,
  resourceIdParameter: 'LaunchTemplateId',
  helper: {
    entry: 'launch-template-version',
    parameter: 'VersionFunction',
    description: 'imdsv2-launch-template document: new default version from $Default with HttpTokens=required',
    timeoutSeconds: 60,
    grants: [
      { actions: ['ec2:DescribeLaunchTemplateVersions'], resource: '*', why: NO_RESOURCE_LEVEL },
      {
        actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
        resource: 'launch-template',
        why: 'Any launch template of this account and Region: the rule may report any of them.',
      },
    ],
  },
  grants: [INVOKE_HELPER, { actions: ['ec2:DescribeLaunchTemplateVersions'], resource: '*', why: NO_RESOURCE_LEVEL }],
};
