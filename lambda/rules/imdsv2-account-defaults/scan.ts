import type { AccountScan } from '../common/rule-entry';
import type { AccountDefaultsParameters } from './definition';
import type { AccountDefaultsSubject } from './subject';

/** How the scanner reads a region's account default: one subject per account and region. */
export const scan: AccountScan<AccountDefaultsParameters, AccountDefaultsSubject, 'account-default'> = {
  scope: 'account',
  kind: 'account-default',
  label: 'account default',
  // Loaded on first use (see AccountScan): the CDK app never evaluates the rule's SDK code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rule: () => (require('./handler') as typeof import('./handler')).rule,
  name: 'instance metadata defaults',
  readAction: 'ec2:GetInstanceMetadataDefaults',
  facts: (s) => ({ hopLimit: s.hopLimit }),
};
