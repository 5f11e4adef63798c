import type { RuleId } from '../lambda/rules/catalog';

/**
 * Every IAM action each rule's Lambda calls, and nothing else: the single table its role is built
 * from. Beyond `config:PutEvaluations`, resource rules read their own current results for the
 * periodic sweep's clean-up (`GetComplianceDetailsByConfigRule`) and change-triggered rules fetch
 * oversized items (`GetResourceConfigHistory`). All reads; the only write is the rule's own results.
 */
export const RULE_ACTIONS: Readonly<Record<RuleId, readonly string[]>> = {
  'imdsv2-instance': [
    'config:PutEvaluations',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'ec2:DescribeInstances',
  ],
  'imdsv2-launch-template': [
    'config:PutEvaluations',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribeLaunchTemplateVersions',
    // Only used with acceptInheritedDefaults; granted always because they are read-only and the
    // parameter can be changed in the Config console without redeploying the role.
    'ec2:DescribeImages',
    'ec2:GetInstanceMetadataDefaults',
  ],
  'imdsv2-launch-configuration': [
    'config:PutEvaluations',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'autoscaling:DescribeLaunchConfigurations',
  ],
  'imdsv2-auto-scaling-group': [
    'config:PutEvaluations',
    'config:GetComplianceDetailsByConfigRule',
    'config:GetResourceConfigHistory',
    'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLaunchConfigurations',
    // Warm-pool instances (only for groups that have a warm pool, and only with checkInstances).
    'autoscaling:DescribeWarmPool',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeInstances',
    'ec2:DescribeImages',
    'ec2:GetInstanceMetadataDefaults',
  ],
  // Reads its own result for the account, to record only a change (like the sweeps).
  'imdsv2-account-defaults': ['config:PutEvaluations', 'config:GetComplianceDetailsByConfigRule', 'ec2:GetInstanceMetadataDefaults'],
};

/**
 * The actions above that accept a resource ARN: `GetComplianceDetailsByConfigRule` takes the
 * ConfigRule ARN, so each rule may read only its own results. Every other action in the table
 * supports no resource-level permissions (Service Authorization Reference: no resource type), so
 * IAM needs `Resource: "*"` for them.
 */
export const OWN_RULE_ACTIONS: readonly string[] = ['config:GetComplianceDetailsByConfigRule'];
