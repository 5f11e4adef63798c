import { NO_RESOURCE_LEVEL, INVOKE_HELPER, type RemediationSpec } from '../common/remediation-spec';
import { launchConfigurationRule } from './definition';

/** The tag the migration puts on the templates it creates (lambda/remediation/migrate-launch-configuration/migrate.ts SOURCE_TAG). */
const MIGRATION_SOURCE_TAG = 'imdsv2-guard:source-launch-configuration';

/** The remediation of remediations/imdsv2-launch-configuration.yaml: its resource parameter, helper function and role grants. */
export const remediation: RemediationSpec = {
  id: launchConfigurationRule.id,
  resourceType: launchConfigurationRule.resourceType,
  resourceIdParameter: 'LaunchConfigurationArn',
  helper: {
    entry: 'migrate-launch-configuration',
    parameter: 'MigrationFunction',
    description: 'imdsv2-launch-configuration document: migrates a launch configuration and its groups to a launch template',
    timeoutSeconds: 300,
    grants: [
      {
        actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
        resource: '*',
        why: NO_RESOURCE_LEVEL,
      },
      { actions: ['ec2:CreateLaunchTemplate'], resource: 'launch-template', why: 'The new template; its name is derived from the launch configuration at run time.' },
      {
        actions: ['ec2:CreateTags'],
        resource: 'launch-template',
        conditions: { StringEquals: { 'ec2:CreateAction': 'CreateLaunchTemplate' } },
        why: 'Only the source tag, set while the template is created.',
      },
      {
        actions: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:StartInstanceRefresh'],
        resource: 'auto-scaling-group',
        why: 'Every group launching from the launch configuration, found at run time.',
      },
      { actions: ['autoscaling:DeleteLaunchConfiguration'], resource: 'launch-configuration', why: 'Only when DeleteLaunchConfiguration is true, and only once no group uses it.' },
      {
        actions: ['ec2:RunInstances'],
        resource: '*',
        why: 'Auto Scaling checks ec2:RunInstances with the template when a group is moved to it; RunInstances spans many resource types (image, subnet, volume, ...) known only at run time. The Deny statements below narrow it.',
      },
      {
        effect: 'Deny',
        actions: ['ec2:RunInstances'],
        resource: 'instance',
        // StringNotEquals is true when the key is absent: a launch that does not say `required` is denied too.
        conditions: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
        why: 'The groups may only be moved to a template whose instances require IMDSv2.',
      },
      {
        effect: 'Deny',
        actions: ['ec2:RunInstances'],
        resource: 'instance',
        conditions: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '${MaxHopLimit}' } },
        why: 'No hop limit above the maximum.',
      },
      {
        effect: 'Deny',
        actions: ['ec2:RunInstances'],
        resource: 'instance',
        conditions: { ArnNotLike: { 'ec2:LaunchTemplate': 'arn:${Partition}:ec2:${Region}:${Account}:launch-template/*' } },
        why: 'Only launches from a launch template of this account and Region.',
      },
      {
        effect: 'Deny',
        actions: ['ec2:RunInstances'],
        resource: 'launch-template',
        conditions: { Null: { [`aws:ResourceTag/${MIGRATION_SOURCE_TAG}`]: 'true' } },
        why: 'Only launch templates carrying the migration\'s source tag (the function itself checks who made them and what they hold).',
      },
      {
        actions: ['iam:PassRole'],
        resource: 'role',
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        why: 'A template carrying the launch configuration\'s instance profile passes its role to EC2 when a group uses it; only to EC2, only roles of this account.',
      },
    ],
  },
  // The function takes the name from the ARN and verifies its own work: the document calls nothing else.
  grants: [INVOKE_HELPER],
};
