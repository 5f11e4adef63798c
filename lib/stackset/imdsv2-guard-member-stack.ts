import { Aws, CfnCondition, CfnMapping, CfnParameter, CfnResource, CfnRule, Fn, Stack, type IResolvable } from 'aws-cdk-lib';
import { MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import { CfnCodeSigningConfig, CfnFunction, Code } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ParameterSpec } from '../../lambda/kit/parameters';
import { RULE_IDS, RULES, type RuleId } from '../../lambda/rules/catalog';
import type { Imdsv2RuleParameters } from '../imdsv2-guard-stack';
import { Imdsv2Rule, type Imdsv2RuleOptions } from '../imdsv2-rule';
import { HELPER_ENTRIES, Imdsv2Remediations, type Imdsv2RemediationOptions, type RemediationOverrides, type StaticParameterValue } from '../remediation';
import { BootstrapFreeSynthesizer } from './bootstrap-free-synthesizer';
import { checkCodeVersions, CODE_VERSIONS, helperVersionColumn, ruleVersionColumn, type CodeVersions } from './code-versions';
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

/** Parameter: the optional AWS Signer profile version whose signature every function requires. */
export const CODE_SIGNING_PROFILE = 'CodeSigningProfileVersionArn';

/** A value of the `RemediationMode` parameter. */
export type MemberRemediationMode = (typeof REMEDIATION_MODES)[number];

/**
 * Remediation settings the member template fixes for every account (the mode itself is the
 * `RemediationMode` parameter). The automatic-only settings apply where the mode is Automatic.
 */
export interface MemberRemediationOptions
  extends Pick<Imdsv2RemediationOptions, 'maximumAutomaticAttempts' | 'retryAttemptSeconds' | 'concurrentExecutionRatePercentage' | 'errorPercentage'> {
  /**
   * Static values for the documents' other parameters, per rule (e.g. `{ 'imdsv2-instance': { LookbackDays: 30 } }`),
   * checked against the documents at synth.
   * @default - the documents' defaults
   */
  readonly parameters?: Readonly<Partial<Record<RuleId, Readonly<Record<string, StaticParameterValue>>>>>;
}

export interface Imdsv2GuardMemberStackProps {
  /**
   * The S3 key of each rule's zip (`index.js` at its root) in the bucket `<AssetBucketPrefix>-<region>`:
   * the keys `npm run package:stackset` writes to its manifest. Every rule needs one, since every
   * rule is in the template and parameters choose which are created.
   */
  readonly functionKeys: Readonly<Record<RuleId, string>>;
  /**
   * The S3 key of each remediation helper function's zip, by helper entry (the folder under
   * lambda/remediation/, e.g. `imdsv1-usage-gate`), in the same bucket: every helper is in the
   * template, and `RemediationMode` chooses whether it is created.
   */
  readonly helperKeys: Readonly<Record<string, string>>;
  /**
   * The S3 version id of every zip in every region's bucket (`npm run package:stackset -- --publish`
   * records them as it uploads): region → column (`ruleVersionColumn` / `helperVersionColumn`) →
   * version id. Each function reads `S3ObjectVersion` from the `CodeVersions` mapping by
   * `AWS::Region`, so it runs exactly the bytes published, even if the key were written again; a
   * stack in a region not listed fails on the lookup.
   */
  readonly codeVersions: CodeVersions;
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
   * Default of the `RemediationMode` parameter.
   * @default 'None'
   */
  readonly defaultRemediationMode?: MemberRemediationMode;
  /**
   * Remediation settings shared by every account.
   * @default - the Imdsv2Remediation defaults
   */
  readonly remediationOptions?: MemberRemediationOptions;
  /**
   * The template's description.
   * @default 'imdsv2-guard StackSet member: AWS Config custom rules that enforce EC2 IMDSv2'
   */
  readonly description?: string;
}

/**
 * The imdsv2-guard member template for a service-managed StackSet, built from the same Imdsv2Rule
 * construct as the single-account stack. It is environment-agnostic and bootstrap-free: every
 * per-account or per-region choice is a CloudFormation parameter, and each function's code is read
 * from the regional bucket `<AssetBucketPrefix>-<AWS::Region>` at the key and S3 object version the
 * publish step wrote (the `CodeVersions` mapping, by region).
 *
 * - `Enable<Rule>Rule` (Yes/No) sets a condition on every resource of that rule.
 * - `MaximumExecutionFrequency` sets every rule's periodic sweep.
 * - `<Rule><Parameter>` (empty = the rule's default) becomes that key of the rule's
 *   `InputParameters`; empty values are left out (AWS Config refuses blank values) with
 *   `Fn::If`, and a rule with no value set gets no `InputParameters` at all.
 * - A rule's `<Rule>MaxHopLimit` also caps its remediation (document, roles, helper function), as
 *   the single-account stack does; empty, the rule's default cap applies (64 when it has none).
 * - `RemediationMode` (None/Manual/Automatic) deploys the Imdsv2Remediation of every enabled
 *   rule (document, roles, helper function, remediation configuration) unless None: each of its
 *   resources carries the condition `<Rule>RemediationEnabled` (mode ≠ None and the rule enabled),
 *   and the remediation configuration's `Automatic` is `Fn::If [IsAutomatic, true, false]`. The
 *   helper functions read their code from the same bucket as the rules.
 */
export class Imdsv2GuardMemberStack extends Stack {
  /** Every rule construct by id (each conditional on its Enable parameter). */
  public readonly rules: Readonly<Record<RuleId, Imdsv2Rule>>;
  /** The remediations of every rule (each conditional on `<Rule>RemediationEnabled`). */
  public readonly remediations: Imdsv2Remediations;
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
    const missingHelpers = HELPER_ENTRIES.filter((e) => !props.helperKeys?.[e]);
    if (missingHelpers.length > 0) throw new Error(`helperKeys: no S3 key for ${missingHelpers.join(', ')}`);
    checkCodeVersions(props.codeVersions, [...RULE_IDS.map(ruleVersionColumn), ...HELPER_ENTRIES.map(helperVersionColumn)]);
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
    const codeVersions = new CfnMapping(this, CODE_VERSIONS, { mapping: JSON.parse(JSON.stringify(props.codeVersions)) });
    const code = (key: string, column: string) => Code.fromBucket(assets, key, codeVersions.findInMap(Aws.REGION, column));

    const frequency = new CfnParameter(this, FREQUENCY, {
      type: 'String',
      description: 'How often every rule runs its periodic sweep (change-triggered rules also run on every configuration change).',
      allowedValues: Object.values(MaximumExecutionFrequency),
      default: props.defaultFrequency ?? MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
    });

    const remediation = new CfnParameter(this, REMEDIATION_MODE, {
      type: 'String',
      description:
        'SSM Automation remediation of every enabled rule. None: no remediation resources. Manual: documents, roles, helper functions and an AWS Config remediation per rule, run on request. Automatic: AWS Config runs it on every NON_COMPLIANT result.',
      allowedValues: [...REMEDIATION_MODES],
      default: props.defaultRemediationMode ?? 'None',
    });
    const remediationOn = new CfnCondition(this, 'RemediationOn', { expression: Fn.conditionNot(Fn.conditionEquals(remediation.valueAsString, 'None')) });
    const isAutomatic = new CfnCondition(this, 'IsAutomatic', { expression: Fn.conditionEquals(remediation.valueAsString, 'Automatic') });
    const remediationOverrides: Partial<Record<RuleId, RemediationOverrides>> = {};

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
        code: code(props.functionKeys[ruleId], ruleVersionColumn(ruleId)),
      });
      rule.configRule.inputParameters = inputParameters(this, key, inputs);
      for (const child of rule.node.findAll()) {
        if (child instanceof CfnResource) child.cfnOptions.condition = enabled;
      }
      rules[ruleId] = rule;
      // The remediation's hop-limit cap follows the rule's: <Rule>MaxHopLimit where set, else the rule's default (64 when it has none).
      const hop = inputs.find((i) => i.name === 'maxHopLimit');
      const hopDefault = (definition.parameters as Record<string, ParameterSpec<unknown>>).maxHopLimit?.defaultValue;
      remediationOverrides[ruleId] = {
        condition: new CfnCondition(this, `${key}RemediationEnabled`, { expression: Fn.conditionAnd(remediationOn, enabled) }),
        parameters: props.remediationOptions?.parameters?.[ruleId],
        maxHopLimit: hop && { parameter: hop.parameter, set: hop.set, whenUnset: typeof hopDefault === 'number' ? hopDefault : 64 },
      };
    }
    this.rules = rules as Record<RuleId, Imdsv2Rule>;

    const unknownRemediation = Object.keys(props.remediationOptions?.parameters ?? {}).filter((r) => !(RULE_IDS as readonly string[]).includes(r));
    if (unknownRemediation.length > 0) throw new Error(`remediationOptions.parameters: unknown rule id(s) ${unknownRemediation.join(', ')}`);
    this.remediations = new Imdsv2Remediations(this, 'Remediation', {
      rules: this.rules,
      overrides: remediationOverrides,
      // Automatic where RemediationMode is Automatic, manual where it is Manual.
      mode: 'automatic',
      automaticCondition: isAutomatic,
      maximumAutomaticAttempts: props.remediationOptions?.maximumAutomaticAttempts,
      retryAttemptSeconds: props.remediationOptions?.retryAttemptSeconds,
      concurrentExecutionRatePercentage: props.remediationOptions?.concurrentExecutionRatePercentage,
      errorPercentage: props.remediationOptions?.errorPercentage,
      documentNamePrefix: props.ruleOptions?.ruleNamePrefix,
      runtime: props.ruleOptions?.runtime,
      architecture: props.ruleOptions?.architecture,
      memorySize: props.ruleOptions?.memorySize,
      logRetention: props.ruleOptions?.logRetention,
      logLevel: props.ruleOptions?.logLevel,
      helperCode: Object.fromEntries(HELPER_ENTRIES.map((e) => [e, code(props.helperKeys[e], helperVersionColumn(e))])),
    });

    // Optional Lambda code signing: with a Signer profile version given, every function of this stack gets a
    // code signing config in Enforce mode, so Lambda refuses a zip not signed by that profile (the packages
    // must then be signed, e.g. with `aws signer start-signing-job`, before upload).
    const signing = new CfnParameter(this, CODE_SIGNING_PROFILE, {
      type: 'String',
      description:
        'Optional: ARN of an AWS Signer signing profile version (arn:aws:signer:<region>:<account>:/signing-profiles/<name>/<version>). Set, every function refuses code not signed by it (CodeSigningConfig, Enforce). Empty: no code signing.',
      default: '',
      allowedPattern: '^$|^arn:aws[a-z-]*:signer:[a-z0-9-]+:\\d{12}:/signing-profiles/[A-Za-z0-9_]{2,64}/[A-Za-z0-9]{10}$',
      constraintDescription: 'empty, or a Signer signing profile version ARN',
    });
    const signingOn = new CfnCondition(this, 'CodeSigningOn', { expression: Fn.conditionNot(Fn.conditionEquals(signing.valueAsString, '')) });
    const signingConfig = new CfnCodeSigningConfig(this, 'CodeSigningConfig', {
      description: 'imdsv2-guard: only code signed by the given Signer profile version',
      allowedPublishers: { signingProfileVersionArns: [signing.valueAsString] },
      codeSigningPolicies: { untrustedArtifactOnDeployment: 'Enforce' },
    });
    signingConfig.cfnOptions.condition = signingOn;
    for (const fn of this.node.findAll().filter((c): c is CfnFunction => c instanceof CfnFunction)) {
      fn.codeSigningConfigArn = Fn.conditionIf(signingOn.logicalId, signingConfig.attrCodeSigningConfigArn, Aws.NO_VALUE).toString();
    }

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
          { Label: { default: 'Remediation' }, Parameters: [remediation.logicalId] },
          { Label: { default: 'Code signing' }, Parameters: [signing.logicalId] },
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
