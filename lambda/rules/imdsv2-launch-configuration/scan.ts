import type { ResourceScan } from '../common/rule-entry';
import type { LaunchConfigurationParameters } from './definition';
import type { LaunchConfigurationSubject } from './subject';

/** How the scanner lists launch configurations: the rule's own fetch and evaluate, and what the report shows. */
export const scan: ResourceScan<LaunchConfigurationParameters, LaunchConfigurationSubject, 'launch-configuration'> = {
  scope: 'resource',
  kind: 'launch-configuration',
  label: 'launch configuration',
  // Loaded on first use (see ResourceScan): the CDK app never evaluates the rule's SDK code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rule: () => (require('./handler') as typeof import('./handler')).rule,
  facts: (s) => ({
    name: s.launchConfigurationName,
    display: s.launchConfigurationName || s.launchConfigurationArn,
    hopLimit: s.metadataOptions?.hopLimit,
    instanceProfile: !!s.instanceProfile,
    // Launch configurations cannot carry tags: no owner to read.
    owner: undefined,
  }),
};
