/**
 * Every IAM action the function calls. It reads its own result for the account, to record only a
 * change (like the sweeps); its only write is its own result.
 */
export const actions: readonly string[] = ['config:PutEvaluations', 'config:GetComplianceDetailsByConfigRule', 'ec2:GetInstanceMetadataDefaults'];
