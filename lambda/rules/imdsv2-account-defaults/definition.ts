import type { RuleDefinition } from '../../kit/rule-definition';
import { booleanParam } from '../../kit/parameters';
import { maxHopLimitParam } from '../common/parameters';

export interface AccountDefaultsParameters {
  readonly maxHopLimit?: number;
  readonly requireEnforcement: boolean;
}

export const accountDefaultsRule: RuleDefinition<AccountDefaultsParameters, 'imdsv2-account-defaults'> = {
  id: 'imdsv2-account-defaults',
  resourceType: 'AWS::::Account',
  controls: [],
  peer: 'Prowler ec2_instance_account_imdsv2_enabled',
  summary:
    "The region's EC2 instance metadata defaults must set HttpTokens=required so new instances are born IMDSv2-only; optionally require HttpTokensEnforced.",
  changeTriggered: false,
  parameters: {
    maxHopLimit: maxHopLimitParam(),
    requireEnforcement: booleanParam({
      description: 'Also require HttpTokensEnforced=enabled (EC2 refuses launches that do not require IMDSv2).',
      defaultValue: false,
    }),
  },
};
