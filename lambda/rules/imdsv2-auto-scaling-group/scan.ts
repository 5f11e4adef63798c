import type { ResourceScan } from '../common/rule-entry';
import { highestHopLimit, tagValue } from '../common/scan-facts';
import type { AutoScalingGroupParameters } from './definition';
import type { AutoScalingGroupSubject } from './subject';

/** How the scanner lists Auto Scaling groups: the rule's own fetch and evaluate, and what the report shows. */
export const scan: ResourceScan<AutoScalingGroupParameters, AutoScalingGroupSubject, 'auto-scaling-group'> = {
  scope: 'resource',
  kind: 'auto-scaling-group',
  label: 'Auto Scaling group',
  // Loaded on first use (see ResourceScan): the CDK app never evaluates the rule's SDK code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rule: () => (require('./handler') as typeof import('./handler')).rule,
  facts: (s, ownerTag) => ({
    name: s.autoScalingGroupName,
    display: s.autoScalingGroupName || s.autoScalingGroupArn,
    hopLimit: highestHopLimit(s.sources.map((x) => x.metadataOptions)),
    owner: tagValue(s.tags, ownerTag),
    // The group's instances stand for its instance profile (the scanner resolves them).
    memberInstanceIds: s.instances.map((i) => i.instanceId).filter(Boolean),
  }),
};
