import { Aws, CfnCondition, CfnParameter, CfnResource, CfnRule, Fn, Stack, Validations, type IResolvable } from 'aws-cdk-lib';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ParameterSpec } from '../../lambda/kit/parameters';
import { RULE_IDS, RULES, type RuleId } from '../../lambda/rules/catalog';
import type { Imdsv2RuleParameters } from '../imdsv2-guard-stack';
import { Imdsv2Rule, type Imdsv2RuleOptions } from '../imdsv2-rule';
import { BootstrapFreeSynthesizer } from './bootstrap-free-synthesizer';
import {
  ASSET_BUCKET_PREFIX,
  ASSET_BUCKET_PREFIX_PATTERN,
  constraintsFor,
  emptyMeaning,
  enableParameterName,
  FREQUENCY,
  parameterDefaults,
  REMEDIATION_MODE,
  REMEDIATION_MODES,
  ruleKey,
  ruleParameterName,
} from './member-parameters';

/** Rule settings the member template fixes for every account: org-wide choices made at packaging. */
export type MemberRuleOptions = Omit<Imdsv2RuleOptions, 'maximumExecutionFrequency' | 'projectRoot'>;

export interface Imdsv2GuardMemberStackProps {
  /**
   * The S3 key of each rule's zip (`index.js` at its root) in the bucket `<AssetBucketPrefix>-<region>`:
   * the keys `npm run package:stackset` writes to its manifest. Every rule needs one, since every
   * rule is in the template and parameters choose which are created.
   */
  readonly functionKeys: Readonly<Record<RuleId, string>>;
  /**
   * Function and naming settings shared by every account.
   * @default - the Imdsv2Rule defaults, with `controlIdsInName: true`
   */
  readonly ruleOptions?: MemberRuleOptions;
  /**
   * Rules whose `Enable…Rule` parameter defaults to Yes.
   * @default - all five
   */
  readonly defaultRules?: readonly RuleId[];
  /**
   * Default of the `MaximumExecutionFrequency` parameter.
   * @default MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly defaultFrequency?: MaximumExecutionFrequency;
  /**
   * Defaults of the rule parameters, validated like the single-account stack's `parameters`.
   * @default - every rule parameter defaults to empty: the rule's own default
   */
  readonly defaultParameters?: Imdsv2RuleParameters;
  /**
   * The template's description.
   * @default 'imdsv2-guard StackSet member: AWS Config custom rules that enforce EC2 IMDSv2'
   */
  readonly description?: string;
}

/** What the empty RemediationMode must stay until remediation is wired (see below). */
const REMEDIATION_RESERVED =
  'RemediationMode is reserved: this template does not deploy remediation yet, so only None is accepted. Deploy remediation with the single-account stack (lib/remediation) meanwhile.';

/**
 * The imdsv2-guard member template for a service-managed StackSet, built from the same Imdsv2Rule
 * construct as the single-account stack. It is environment-agnostic and bootstrap-free: every
 * per-account or per-region choice is a CloudFormation parameter, and each function's code is read
 * from the regional bucket `<AssetBucketPrefix>-<AWS::Region>` at the key the packaging step wrote.
 *
 * - `Enable<Rule>Rule` (Yes/No) sets a condition on every resource of that rule.
 * - `MaximumExecutionFrequency` sets every rule's periodic sweep.
 * - `<Rule><Parameter>` (empty = the rule's default) becomes that key of the rule's
 *   `InputParameters`; empty values are left out (AWS Config refuses blank values) with
 *   `Fn::If`, and a rule with no value set gets no `InputParameters` at all.
 * - `RemediationMode` (None/Manual/Automatic) is reserved: the remediation construct
 *   (lib/remediation) bundles its helper functions as CDK assets and chooses its mode at synth
 *   time, so it cannot be wired into a bootstrap-free, parameter-driven template yet. A template
 *   Rule refuses Manual and Automatic at deploy time rather than silently ignoring them.
 */
export class Imdsv2GuardMemberStack extends Stack {
  /** Every rule construct by id (each conditional on its Enable parameter). */
  public readonly rules: Readonly<Record<RuleId, Imdsv2Rule>>;
  /** `Fn::Join ['-', [AssetBucketPrefix, AWS::Region]]`. */
  public readonly assetBucketName: string;

  constructor(scope: Construct, id: string, props: Imdsv2GuardMemberStackProps) {
    super(scope, id, {
      synthesizer: new BootstrapFreeSynthesizer(
        'a StackSet deploys this template into accounts that were never bootstrapped; code comes from <AssetBucketPrefix>-<region>',
      ),
      analyticsReporting: false,
      description: props.description ?? 'imdsv2-guard StackSet member: AWS Config custom rules that enforce EC2 IMDSv2',
    });
    const missing = RULE_IDS.filter((r) => !props.functionKeys[r]);
    if (missing.length > 0) throw new Error(`functionKeys: no S3 key for ${missing.join(', ')}`);
    const defaultRules = props.defaultRules ?? RULE_IDS;
    const unknown = [...defaultRules, ...Object.keys(props.defaultParameters ?? {})].filter((r) => !(RULE_IDS as readonly string[]).includes(r));
    if (unknown.length > 0) throw new Error(`Unknown rule id(s) ${unknown.join(', ')}; known: ${RULE_IDS.join(', ')}`);

    const prefix = new CfnParameter(this, ASSET_BUCKET_PREFIX, {
      type: 'String',
      description:
        'Prefix of the regional buckets holding the function code: this stack reads s3://<prefix>-<region>/ (created by the management stack, readable by the organization).',
      allowedPattern: ASSET_BUCKET_PREFIX_PATTERN,
      constraintDescription: '3-47 lowercase letters, digits and hyphens, starting with a letter or digit (no dots)',
    });
    this.assetBucketName = Fn.join('-', [prefix.valueAsString, Aws.REGION]);
    const assets = Bucket.fromBucketName(this, 'AssetBucket', this.assetBucketName);
    Validations.of(assets).acknowledge({
      id: 'Annotation::@aws-cdk/aws-lambda:codeFromBucketObjectVersionNotSpecified',
      reason:
        'Keys are content-addressed (imdsv2-guard/<version>/<id>-<sha256 of index.js>.zip): new code gets a new key, which changes the template and so updates the function. An object is never overwritten with different code.',
    });

    const frequency = new CfnParameter(this, FREQUENCY, {
      type: 'String',
      description: 'How often every rule runs its periodic sweep (change-triggered rules also run on every configuration change).',
      allowedValues: Object.values(MaximumExecutionFrequency),
      default: props.defaultFrequency ?? MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
    });

    const remediation = new CfnParameter(this, REMEDIATION_MODE, {
      type: 'String',
      description: `Reserved for remediation (None, Manual, Automatic). ${REMEDIATION_RESERVED}`,
      allowedValues: [...REMEDIATION_MODES],
      default: 'None',
    });
    new CfnRule(this, 'RemediationModeReserved', {
      assertions: [{ assert: Fn.conditionEquals(remediation.valueAsString, 'None'), assertDescription: REMEDIATION_RESERVED }],
    });

    const enableParameters: CfnParameter[] = [];
    const groups: Array<{ Label: { default: string }; Parameters: string[] }> = [];
    const rules: Partial<Record<RuleId, Imdsv2Rule>> = {};
    for (const definition of RULES) {
      const ruleId = definition.id as RuleId;
      const key = ruleKey(ruleId);
      const enable = new CfnParameter(this, enableParameterName(ruleId), {
        type: 'String',
        description: `Create the AWS Config rule ${ruleId} (${definition.resourceType}) and its function in this account and region.`,
        allowedValues: ['Yes', 'No'],
        default: defaultRules.includes(ruleId) ? 'Yes' : 'No',
      });
      enableParameters.push(enable);
      const enabled = new CfnCondition(this, `${key}RuleEnabled`, { expression: Fn.conditionEquals(enable.valueAsString, 'Yes') });

      const defaults = parameterDefaults(definition, props.defaultParameters?.[ruleId] as Record<string, unknown> | undefined);
      const inputs: Array<{ name: string; parameter: CfnParameter; set: CfnCondition }> = [];
      for (const [name, spec] of Object.entries(definition.parameters) as Array<[string, ParameterSpec<unknown>]>) {
        const parameterName = ruleParameterName(ruleId, name);
        const parameter = new CfnParameter(this, parameterName, {
          type: 'String',
          description: `${ruleId} ${name}: ${spec.description} ${emptyMeaning(spec)}`,
          default: defaults[name] ?? '',
          ...constraintsFor(name, spec),
        });
        const set = new CfnCondition(this, `${parameterName}Set`, { expression: Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, '')) });
        inputs.push({ name, parameter, set });
      }
      if (inputs.length > 0) groups.push({ Label: { default: `${ruleId} parameters (empty: the rule default)` }, Parameters: inputs.map((i) => i.parameter.logicalId) });

      const rule = new Imdsv2Rule(this, ruleId, {
        controlIdsInName: true,
        ...props.ruleOptions,
        definition,
        // A token: the parameter's AllowedValues are exactly the enum's values.
        maximumExecutionFrequency: frequency.valueAsString as MaximumExecutionFrequency,
        code: Code.fromBucket(assets, props.functionKeys[ruleId]),
      });
      rule.configRule.inputParameters = inputParameters(this, key, inputs);
      for (const child of rule.node.findAll()) {
        if (child instanceof CfnResource) child.cfnOptions.condition = enabled;
      }
      rules[ruleId] = rule;
    }
    this.rules = rules as Record<RuleId, Imdsv2Rule>;

    // With every rule off the stack would have no resources, which CloudFormation refuses with a less useful message.
    new CfnRule(this, 'AtLeastOneRule', {
      assertions: [
        {
          assert: Fn.conditionOr(...enableParameters.map((p) => Fn.conditionEquals(p.valueAsString, 'Yes'))),
          assertDescription: `Enable at least one rule (${enableParameters.map((p) => p.logicalId).join(', ')}).`,
        },
      ],
    });

    this.templateOptions.metadata = {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [
          { Label: { default: 'Function code' }, Parameters: [prefix.logicalId] },
          { Label: { default: 'Rules to create' }, Parameters: enableParameters.map((p) => p.logicalId) },
          { Label: { default: 'Schedule' }, Parameters: [frequency.logicalId] },
          ...groups,
          { Label: { default: 'Remediation (reserved)' }, Parameters: [remediation.logicalId] },
        ],
      },
    };
  }
}

/**
 * `InputParameters` holding only the parameters that are set. AWS Config refuses blank values, so
 * each key is `Fn::If [<Param>Set, Ref <Param>, AWS::NoValue]`, and the whole property is
 * `AWS::NoValue` when none is set (the Lambda then applies every default).
 */
function inputParameters(
  stack: Stack,
  key: string,
  inputs: ReadonlyArray<{ name: string; parameter: CfnParameter; set: CfnCondition }>,
): IResolvable | undefined {
  if (inputs.length === 0) return undefined;
  if (inputs.length === 1) {
    const [{ name, parameter, set }] = inputs;
    return Fn.conditionIf(set.logicalId, { [name]: parameter.valueAsString }, Aws.NO_VALUE);
  }
  const values: Record<string, unknown> = {};
  for (const { name, parameter, set } of inputs) values[name] = Fn.conditionIf(set.logicalId, parameter.valueAsString, Aws.NO_VALUE);
  const any = new CfnCondition(stack, `${key}HasParameters`, { expression: Fn.conditionOr(...inputs.map((i) => i.set)) });
  return Fn.conditionIf(any.logicalId, values, Aws.NO_VALUE);
}
