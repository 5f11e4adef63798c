import { NO_RESOURCE_LEVEL, INVOKE_HELPER, type RemediationSpec } from '../common/remediation-spec';
import { autoScalingGroupRule } from './definition';

/** The remediation of remediations/imdsv2-auto-scaling-group.yaml: its resource parameter, helper function and role grants. */
export const remediation: RemediationSpec = {
  id: autoScalingGroupRule.id,
  resourceType: autoScalingGroupRule.resourceType,
  resourceIdParameter: 'AutoScalingGroupArn',
  helper: {
    entry: 'refresh-group',
    parameter: 'RefreshFunction',
    description: 'imdsv2-auto-scaling-group document: replaces the instances of a group that accept IMDSv1 and verifies none is left',
    timeoutSeconds: 120,
    grants: [
      {
        actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeWarmPool', 'autoscaling:DescribeInstanceRefreshes', 'ec2:DescribeInstances'],
        resource: '*',
        why: NO_RESOURCE_LEVEL,
      },
      { actions: ['autoscaling:StartInstanceRefresh'], resource: 'auto-scaling-group', why: 'Any group of this account and Region: the rule may report any of them.' },
    ],
  },
  // The function takes the name from the ARN and does the work: the document calls nothing else.
  grants: [INVOKE_HELPER],
};
