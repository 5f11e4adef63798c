import type { ResourceScan } from '../common/rule-entry';
import { highestHopLimit, tagValue } from '../common/scan-facts';
import type { LaunchTemplateParameters } from './definition';
import type { LaunchTemplateSubject } from './subject';

/** How the scanner lists launch templates: the rule's own fetch and evaluate, and what the report shows. */
export const scan: ResourceScan<LaunchTemplateParameters, LaunchTemplateSubject, 'launch-template'> = {
  scope: 'resource',
  kind: 'launch-template',
  label: 'launch template',
  // Loaded on first use (see ResourceScan): the CDK app never evaluates the rule's SDK code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rule: () => (require('./handler') as typeof import('./handler')).rule,
  facts: (s, ownerTag) => ({
    name: s.launchTemplateName,
    display: s.launchTemplateId,
    hopLimit: highestHopLimit([s.defaultVersion.metadataOptions, s.latestVersion.metadataOptions]),
    instanceProfile: [s.defaultVersion, s.latestVersion].some((v) => !!v.instanceProfile),
    owner: tagValue(s.tags, ownerTag),
  }),
};
