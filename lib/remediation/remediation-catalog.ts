import type { RuleId } from '../../lambda/rules/catalog';
import { SETS_ENFORCEMENT_NOT_ENABLED, SETS_TOKENS_NOT_REQUIRED, setsHopLimitAbove } from '../imds-request-conditions';

/**
 * What each remediation needs, as data: the document's resource parameter, the TypeScript step
 * it invokes (if any), and every IAM action of the automation role and of the function role with
 * the resources they apply to. The construct builds the roles from this table and nothing else,
 * so a permission is added in one place, and the tests read it back from the template.
 */

/** A resource an action is granted on; `*` where the action supports no resource-level permission. */
export type ResourceKind =
  | '*'
  | 'instance'
  | 'launch-template'
  | 'auto-scaling-group'
  | 'launch-configuration'
  | 'role'
  | 'helper-function';

export interface Grant {
  /** @default 'Allow'. A Deny narrows an Allow whose resource cannot be narrowed itself (RunInstances spans many resource types). */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resource: ResourceKind;
  /** IAM condition block, with `${Partition}`/`${Region}`/`${Account}` left to the construct. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Why the grant is this wide: read by the cdk-nag acknowledgement when it uses a wildcard. */
  readonly why: string;
}

export interface HelperFunction {
  /** Folder under lambda/remediation/ holding handler.ts. */
  readonly entry: string;
  /** Document parameter naming the function; the construct sets its default to the deployed function. */
  readonly parameter: string;
  readonly description: string;
  readonly grants: readonly Grant[];
  /** Seconds; the aws:invokeLambdaFunction step allows at most 300. */
  readonly timeoutSeconds: number;
}

export interface RemediationSpec {
  readonly id: RuleId;
  /** AWS Config resource type the remediation applies to. */
  readonly resourceType: string;
  /** Document parameter bound to AWS Config's RESOURCE_ID; none for the account-level rule. */
  readonly resourceIdParameter?: string;
  readonly helper?: HelperFunction;
  /** The automation role's grants (what the document's own steps call, and invoking the helper). */
  readonly grants: readonly Grant[];
}

/** The tag the migration puts on the templates it creates (lambda/remediation/migrate-launch-configuration/migrate.ts SOURCE_TAG). */
export const MIGRATION_SOURCE_TAG = 'imdsv2-guard:source-launch-configuration';

const NO_RESOURCE_LEVEL = 'These Describe/Get actions support no resource-level permissions, so IAM requires Resource "*".';
const INVOKE_HELPER: Grant = { actions: ['lambda:InvokeFunction'], resource: 'helper-function', why: 'Only the document\'s own helper function.' };

export const REMEDIATIONS: Readonly<Record<RuleId, RemediationSpec>> = {
  'imdsv2-instance': {
    id: 'imdsv2-instance',
    resourceType: 'AWS::EC2::Instance',
    resourceIdParameter: 'InstanceId',
    helper: {
      entry: 'imdsv1-usage-gate',
      parameter: 'UsageGateFunction',
      description: 'safety gate of the imdsv2-instance document: sums CloudWatch MetadataNoToken over the look-back window',
      timeoutSeconds: 60,
      grants: [{ actions: ['cloudwatch:GetMetricStatistics'], resource: '*', why: 'cloudwatch:GetMetricStatistics supports no resource-level permissions.' }],
    },
    grants: [
      INVOKE_HELPER,
      { actions: ['ec2:DescribeInstances'], resource: '*', why: NO_RESOURCE_LEVEL },
      {
        actions: ['ec2:ModifyInstanceMetadataOptions'],
        resource: 'instance',
        // ec2:Attribute/<Name> carries the values the request asks for (lib/guardrails/policies.ts cites the
        // Service Authorization Reference). Absent keys fail StringEquals/NumericLessThanEquals: the document
        // always sends HttpTokens and the hop limit, so a request that omits them is refused.
        conditions: {
          StringEquals: { 'ec2:Attribute/HttpTokens': 'required' },
          NumericLessThanEquals: { 'ec2:Attribute/HttpPutResponseHopLimit': '${MaxHopLimit}' },
        },
        why: 'Any instance of this account and Region: the rule may report any of them; only HttpTokens=required with a hop limit no higher than the maximum.',
      },
    ],
  },
  'imdsv2-launch-template': {
    id: 'imdsv2-launch-template',
    resourceType: 'AWS::EC2::LaunchTemplate',
    resourceIdParameter: 'LaunchTemplateId',
    helper: {
      entry: 'launch-template-version',
      parameter: 'VersionFunction',
      description: 'imdsv2-launch-template document: new default version from $Default with HttpTokens=required',
      timeoutSeconds: 60,
      grants: [
        { actions: ['ec2:DescribeLaunchTemplateVersions'], resource: '*', why: NO_RESOURCE_LEVEL },
        {
          actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
          resource: 'launch-template',
          why: 'Any launch template of this account and Region: the rule may report any of them.',
        },
      ],
    },
    grants: [INVOKE_HELPER, { actions: ['ec2:DescribeLaunchTemplateVersions'], resource: '*', why: NO_RESOURCE_LEVEL }],
  },
  'imdsv2-launch-configuration': {
    id: 'imdsv2-launch-configuration',
    resourceType: 'AWS::AutoScaling::LaunchConfiguration',
    resourceIdParameter: 'LaunchConfigurationArn',
    helper: {
      entry: 'migrate-launch-configuration',
      parameter: 'MigrationFunction',
      description: 'imdsv2-launch-configuration document: migrates a launch configuration and its groups to a launch template',
      timeoutSeconds: 300,
      grants: [
        {
          actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'],
          resource: '*',
          why: NO_RESOURCE_LEVEL,
        },
        { actions: ['ec2:CreateLaunchTemplate'], resource: 'launch-template', why: 'The new template; its name is derived from the launch configuration at run time.' },
        {
          actions: ['ec2:CreateTags'],
          resource: 'launch-template',
          conditions: { StringEquals: { 'ec2:CreateAction': 'CreateLaunchTemplate' } },
          why: 'Only the source tag, set while the template is created.',
        },
        {
          actions: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:StartInstanceRefresh'],
          resource: 'auto-scaling-group',
          why: 'Every group launching from the launch configuration, found at run time.',
        },
        { actions: ['autoscaling:DeleteLaunchConfiguration'], resource: 'launch-configuration', why: 'Only when DeleteLaunchConfiguration is true, and only once no group uses it.' },
        {
          actions: ['ec2:RunInstances'],
          resource: '*',
          why: 'Auto Scaling checks ec2:RunInstances with the template when a group is moved to it; RunInstances spans many resource types (image, subnet, volume, ...) known only at run time. The Deny statements below narrow it.',
        },
        {
          effect: 'Deny',
          actions: ['ec2:RunInstances'],
          resource: 'instance',
          // StringNotEquals is true when the key is absent: a launch that does not say `required` is denied too.
          conditions: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } },
          why: 'The groups may only be moved to a template whose instances require IMDSv2.',
        },
        {
          effect: 'Deny',
          actions: ['ec2:RunInstances'],
          resource: 'instance',
          conditions: { NumericGreaterThan: { 'ec2:MetadataHttpPutResponseHopLimit': '${MaxHopLimit}' } },
          why: 'No hop limit above the maximum.',
        },
        {
          effect: 'Deny',
          actions: ['ec2:RunInstances'],
          resource: 'instance',
          conditions: { ArnNotLike: { 'ec2:LaunchTemplate': 'arn:${Partition}:ec2:${Region}:${Account}:launch-template/*' } },
          why: 'Only launches from a launch template of this account and Region.',
        },
        {
          effect: 'Deny',
          actions: ['ec2:RunInstances'],
          resource: 'launch-template',
          conditions: { Null: { [`aws:ResourceTag/${MIGRATION_SOURCE_TAG}`]: 'true' } },
          why: 'Only launch templates carrying the migration\'s source tag (the function itself checks who made them and what they hold).',
        },
        {
          actions: ['iam:PassRole'],
          resource: 'role',
          conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
          why: 'A template carrying the launch configuration\'s instance profile passes its role to EC2 when a group uses it; only to EC2, only roles of this account.',
        },
      ],
    },
    // The function takes the name from the ARN and verifies its own work: the document calls nothing else.
    grants: [INVOKE_HELPER],
  },
  'imdsv2-auto-scaling-group': {
    id: 'imdsv2-auto-scaling-group',
    resourceType: 'AWS::AutoScaling::AutoScalingGroup',
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
  },
  'imdsv2-account-defaults': {
    id: 'imdsv2-account-defaults',
    resourceType: 'AWS::::Account',
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
  },
};

/** The helper functions' entries (folders under lambda/remediation/), in catalog order. */
export const HELPER_ENTRIES: readonly string[] = Object.values(REMEDIATIONS).flatMap((r) => (r.helper ? [r.helper.entry] : []));
