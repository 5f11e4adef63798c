import { NO_RESOURCE_LEVEL, INVOKE_HELPER, type RemediationSpec } from '../common/remediation-spec';
import { instanceRule } from './definition';

/** The remediation of remediations/imdsv2-instance.yaml: its resource parameter, helper function and role grants. */
export const remediation: RemediationSpec = {
  id: instanceRule.id,
  resourceType: instanceRule.resourceType,
  resourceIdParameter: 'InstanceId',
  helper: {
    entry: 'imdsv1-usage-gate',
    parameter: 'UsageGateFunction',
    description: 'safety gate of the imdsv2-instance document: sums CloudWatch MetadataNoToken over the look-back window',
    timeoutSeconds: 60,
    grants: [{ actions: ['cloudwatch:GetMetricStatistics'], resource: '*', why: 'cloudwatch:GetMetricStatistics supports no resource-level permissions.' }],
  },
  grants: [
    INVOKE_HELPER,
    { actions: ['ec2:DescribeInstances'], resource: '*', why: NO_RESOURCE_LEVEL },
    {
      actions: ['ec2:ModifyInstanceMetadataOptions'],
      resource: 'instance',
      // ec2:Attribute/<Name> carries the values the request asks for (lib/guardrails/policies.ts cites the
      // Service Authorization Reference). Absent keys fail StringEquals/NumericLessThanEquals: the document
      // always sends HttpTokens and the hop limit, so a request that omits them is refused.
      conditions: {
        StringEquals: { 'ec2:Attribute/HttpTokens': 'required' },
        NumericLessThanEquals: { 'ec2:Attribute/HttpPutResponseHopLimit': '${MaxHopLimit}' },
      },
      why: 'Any instance of this account and Region: the rule may report any of them; only HttpTokens=required with a hop limit no higher than the maximum.',
    },
  ],
};
