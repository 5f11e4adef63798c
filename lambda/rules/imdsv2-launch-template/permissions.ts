/**
 * Every IAM action the function calls. Beyond `config:PutEvaluations`, it reads its own current results
 * for the periodic sweep's clean-up and fetches oversized items. All reads but its own results.
 */
export const actions: readonly string[] = [
  'config:PutEvaluations',
  'config:GetComplianceDetailsByConfigRule',
  'config:GetResourceConfigHistory',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  // Only used with acceptInheritedDefaults; granted always because they are read-only and the
  // parameter can be changed in the Config console without redeploying the role.
  'ec2:DescribeImages',
  'ec2:GetInstanceMetadataDefaults',
];
