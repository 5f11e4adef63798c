/**
 * Every IAM action the function calls. Beyond `config:PutEvaluations`, it reads its own current results
 * for the periodic sweep's clean-up and fetches oversized items. All reads but its own results.
 */
export const actions: readonly string[] = [
  'config:PutEvaluations',
  'config:GetComplianceDetailsByConfigRule',
  'config:GetResourceConfigHistory',
  'autoscaling:DescribeLaunchConfigurations',
];
