// Remediation wiring: SSM Automation documents, their roles and TypeScript steps, Config remediation.
export { Imdsv2Remediation, type Imdsv2RemediationOptions, type Imdsv2RemediationProps, type RemediationMode } from './imdsv2-remediation';
export { Imdsv2Remediations, type Imdsv2RemediationsProps, type Imdsv2RemediationsSettings, type RemediationOverrides } from './imdsv2-remediations';
export { remediationFromContext, REMEDIATION_CONTEXT_KEYS } from './remediation-context';
export { HELPER_ENTRIES, REMEDIATIONS, type RemediationSpec, type Grant, type HelperFunction, type ResourceKind } from './remediation-catalog';
export { type HopLimitParameter } from './hop-limit-parameter';
export { readDocument, staticValue, withDefaults, type DocumentContent, type StaticParameterValue } from './document-content';
export { HARDENING_ROLE_NAME_PATTERNS, REMEDIATION_ROLE_PREFIX, remediationRoleName, remediationRoleNamePattern } from './role-names';
