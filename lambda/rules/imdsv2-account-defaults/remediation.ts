import { SETS_ENFORCEMENT_NOT_ENABLED, SETS_TOKENS_NOT_REQUIRED, setsHopLimitAbove } from '../common/imds-request-conditions';
import type { RemediationSpec } from '../common/remediation-spec';
import { accountDefaultsRule } from './definition';

/** The remediation of remediations/imdsv2-account-defaults.yaml: its resource parameter, helper function and role grants. */
export const remediation: RemediationSpec = {
  id: accountDefaultsRule.id,
  resourceType: accountDefaultsRule.resourceType,
  grants: [
    {
      actions: ['ec2:GetInstanceMetadataDefaults', 'ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      why: 'The account-level IMDS defaults are not a resource: IAM requires Resource "*". The Deny statements below keep it to hardening.',
    },
    // Each document step sets one attribute, so the limits are denies that apply only when the request sets it (Null false).
    {
      effect: 'Deny',
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      conditions: SETS_TOKENS_NOT_REQUIRED,
      why: 'The default HttpTokens may only be set to required.',
    },
    {
      effect: 'Deny',
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      conditions: SETS_ENFORCEMENT_NOT_ENABLED,
      why: 'Enforcement may only be turned on, never off.',
    },
    {
      effect: 'Deny',
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      conditions: setsHopLimitAbove('${MaxHopLimit}'),
      why: 'The default hop limit may not be raised above the maximum (-1, no preference, is below it).',
    },
    {
      effect: 'Deny',
      actions: ['ec2:ModifyInstanceMetadataDefaults'],
      resource: '*',
      conditions: { Null: { 'ec2:Attribute/HttpEndpoint': 'false' } },
      why: 'The document never changes the default endpoint setting, so the role may not either.',
    },
  ],
};
