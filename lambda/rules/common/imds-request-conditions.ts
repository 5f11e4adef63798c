/**
 * IAM conditions on what a ModifyInstanceMetadataOptions / ModifyInstanceMetadataDefaults request
 * asks for (`ec2:Attribute/<Name>` carries the requested value). Each weakening condition applies
 * only when the request sets that attribute (`Null: false`), so a request that leaves it alone is
 * not caught. Shared by the guardrails' SCP and the remediation roles' denies, so both refuse
 * exactly the same weakening.
 */

/** The request sets HttpTokens to anything but `required`. */
export const SETS_TOKENS_NOT_REQUIRED = {
  StringNotEquals: { 'ec2:Attribute/HttpTokens': 'required' },
  Null: { 'ec2:Attribute/HttpTokens': 'false' },
} as const;

/** The request sets HttpTokensEnforced to anything but `enabled`. */
export const SETS_ENFORCEMENT_NOT_ENABLED = {
  StringNotEquals: { 'ec2:Attribute/HttpTokensEnforced': 'enabled' },
  Null: { 'ec2:Attribute/HttpTokensEnforced': 'false' },
} as const;

/** The request sets a hop limit above `max` (a number, or a CloudFormation `${Param}` reference). */
export const setsHopLimitAbove = (max: string) => ({ NumericGreaterThan: { 'ec2:Attribute/HttpPutResponseHopLimit': max } });
