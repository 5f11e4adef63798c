import type { ResourceScan } from '../common/rule-entry';
import { tagValue } from '../common/scan-facts';
import type { InstanceParameters } from './definition';
import type { InstanceSubject } from './subject';

/** How the scanner lists instances: the rule's own fetch and evaluate, and what the report shows. */
export const scan: ResourceScan<InstanceParameters, InstanceSubject, 'instance'> = {
  scope: 'resource',
  kind: 'instance',
  label: 'instance',
  // Loaded on first use (see ResourceScan): the CDK app never evaluates the rule's SDK code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rule: () => (require('./handler') as typeof import('./handler')).rule,
  facts: (s, ownerTag) => ({
    name: tagValue(s.tags, 'Name'),
    display: s.instanceId,
    hopLimit: s.metadataOptions?.hopLimit,
    instanceProfile: s.instanceProfile !== undefined && s.instanceProfile !== '',
    owner: tagValue(s.tags, ownerTag),
  }),
};
