import * as path from 'node:path';
import { Aws, type CfnCondition, CfnResource, Duration, Fn, type IResolvable, Validations } from 'aws-cdk-lib';
import { CfnRemediationConfiguration, type CfnConfigRule } from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, type Code, Function as LambdaFunction, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { RuleId } from '../../lambda/rules/catalog';
import { checkNodeRuntime, DEFAULT_RUNTIME, olderRuntimeReason, PROJECT_ROOT, projectFunction } from '../bundling';
import { capHopLimit, readDocument, staticValue, withDefaults, type StaticParameterValue } from './document-content';
import { documentTextCappedBy, hopLimitExpression, type HopLimitParameter } from './hop-limit-parameter';
import { REMEDIATIONS, type Grant, type ResourceKind } from './remediation-catalog';
import { remediationRoleName } from './role-names';

/**
 * - `manual` (default): an AWS::Config::RemediationConfiguration with Automatic false; someone
 *   chooses "Remediate" in the Config console (or calls StartRemediationExecution).
 * - `automatic`: Config runs the document on every NON_COMPLIANT result, retried up to
 *   `maximumAutomaticAttempts` times in `retryAttemptSeconds`.
 * - `documents-only`: the documents, roles and functions, no remediation configuration: run the
 *   documents by hand (`aws ssm start-automation-execution`).
 */
export type RemediationMode = 'manual' | 'automatic' | 'documents-only';

/** Settings shared by every remediation (the Imdsv2Remediations construct passes them to each). */
export interface Imdsv2RemediationOptions {
  /** @default 'manual' */
  readonly mode?: RemediationMode;
  /**
   * Automatic mode: attempts per NON_COMPLIANT resource (1-25).
   * @default 3
   */
  readonly maximumAutomaticAttempts?: number;
  /**
   * Automatic mode: the window, in seconds, in which those attempts are made.
   * @default 600
   */
  readonly retryAttemptSeconds?: number;
  /**
   * Automatic mode: at most this percentage of the rule's non-compliant resources is remediated at once,
   * so one bad evaluation cannot flip a whole fleet in one go.
   * @default 10
   */
  readonly concurrentExecutionRatePercentage?: number;
  /**
   * Automatic mode: stop remediating once this percentage of executions has failed.
   * @default 10
   */
  readonly errorPercentage?: number;
  /**
   * Prepended to the document id to form the SSM document name (`<prefix>imdsv2-instance`).
   * Letters, digits, `-`, `_` and `.`; names cannot start with `aws`, `amazon` or `amzn`.
   * @default ''
   */
  readonly documentNamePrefix?: string;
  /** Node.js 22 or later. @default Runtime.NODEJS_24_X */
  readonly runtime?: Runtime;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: string;
  /**
   * Directory holding package-lock.json, remediations/ and lambda/remediation/.
   * @default the imdsv2-guard repository root
   */
  readonly projectRoot?: string;
  /**
   * Automatic mode only: make the remediation automatic only where this condition is true, and
   * manual elsewhere. `Automatic` becomes `Fn::If [<condition>, true, false]` and the settings
   * that only apply to automatic remediation (attempts, retry window, execution controls) become
   * `Fn::If [<condition>, <value>, AWS::NoValue]`. For a template whose mode is a parameter.
   * @default - the mode alone decides
   */
  readonly automaticCondition?: CfnCondition;
  /**
   * The highest IMDS hop limit the remediation may set or keep (1-64): the roles' conditions refuse
   * more, the document's `HttpPutResponseHopLimit` parameter allows no more, a "keep the current hop
   * limit" run lowers a higher one to this, and the helper functions clamp to it. Give the rule's
   * `maxHopLimit` (the stack does so from its rule parameters), or the template parameter that
   * carries it (the StackSet member template's `<Rule>MaxHopLimit`).
   * @default 64 (no cap beyond EC2's own)
   */
  readonly maxHopLimit?: number | HopLimitParameter;
  /**
   * Set on every CloudFormation resource of the remediation (document, roles, function, log
   * group, remediation configuration), so a template parameter can choose whether it exists.
   * @default - the resources are unconditional
   */
  readonly condition?: CfnCondition;
}

export interface Imdsv2RemediationProps extends Imdsv2RemediationOptions {
  /** Which document: one per rule, named by the rule id. */
  readonly ruleId: RuleId;
  /** The rule the remediation attaches to. Required unless mode is `documents-only`. */
  readonly configRule?: CfnConfigRule;
  /**
   * Static values for the document's other parameters (e.g. `{ LookbackDays: 30 }`), checked at
   * synth against the document's types, patterns and allowed values.
   * @default - the document's defaults
   */
  readonly parameters?: Readonly<Record<string, StaticParameterValue>>;
  /**
   * The helper function's code, already bundled: a zip holding the bundle as `index.js` (handler
   * `index.handler`), e.g. `Code.fromBucket(bucket, key)` for a template that must not depend on
   * CDK assets (the StackSet member template). Only for a remediation with a helper function.
   * @default - bundled from `lambda/remediation/<entry>/handler.ts` at synth time as a CDK asset
   */
  readonly code?: Code;
}

const NAME_PREFIX = /^[A-Za-z0-9_.-]*$/;
const RESERVED_PREFIX = /^(aws|amazon|amzn)/i;

/**
 * One remediation of imdsv2-guard: the SSM Automation document (content from
 * remediations/<id>.yaml), a role the document runs as holding only what its steps call, the
 * TypeScript step it invokes (if any) with its own role and log group, and, unless
 * `documents-only`, the AWS Config remediation configuration on the rule.
 */
export class Imdsv2Remediation extends Construct {
  public readonly documentName: string;
  public readonly document: CfnDocument;
  /** The role Automation assumes: passed as AutomationAssumeRole and the document's default. */
  public readonly automationRole: iam.Role;
  /** The helper function: bundled at synth (`bundledCode`) unless `code` was given. */
  public readonly function?: LambdaFunction;
  public readonly functionRole?: iam.Role;
  public readonly logGroup?: LogGroup;
  public readonly remediationConfiguration?: CfnRemediationConfiguration;
  /** The hop limit cap the roles, the document and the functions apply: a number, or a CloudFormation expression when a parameter sets it. */
  public readonly maxHopLimit: number | string;

  constructor(scope: Construct, id: string, props: Imdsv2RemediationProps) {
    super(scope, id);
    const spec = REMEDIATIONS[props.ruleId];
    if (!spec) throw new Error(`No remediation for rule ${props.ruleId}`);
    const mode = props.mode ?? 'manual';
    if (mode !== 'documents-only' && !props.configRule) throw new Error(`${props.ruleId}: a ${mode} remediation needs the rule's configRule`);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const cap = props.maxHopLimit;
    // From a parameter: the expression goes where the number would, and the document is capped as text below.
    const capExpression = typeof cap === 'object' ? hopLimitExpression({ ...cap, whenUnset: inRange('maxHopLimit.whenUnset', cap.whenUnset, 1, 64) }) : undefined;
    this.maxHopLimit = capExpression ?? inRange('maxHopLimit', (cap as number | undefined) ?? 64, 1, 64);
    this.documentName = documentName(props.documentNamePrefix ?? '', spec.id);
    const source = capExpression ? readDocument(projectRoot, spec.id) : capHopLimit(readDocument(projectRoot, spec.id), this.maxHopLimit as number);
    if (props.code && !spec.helper) throw new Error(`${props.ruleId}: code given, but this remediation has no helper function`);
    if (props.automaticCondition && mode !== 'automatic') throw new Error(`${props.ruleId}: automaticCondition needs mode automatic (got ${mode})`);

    if (spec.helper) {
      const helper = spec.helper;
      this.logGroup = new LogGroup(this, 'FunctionLogs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS });
      this.functionRole = new iam.Role(this, 'FunctionRole', {
        roleName: remediationRoleName(props.ruleId, 'function', Aws.REGION),
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `imdsv2-guard ${this.documentName}: ${helper.description}`.slice(0, 1000),
        inlinePolicies: {
          Remediate: new iam.PolicyDocument({
            statements: [
              ...helper.grants.map((g, i) => this.statement(g, `Step${i}`)),
              new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
            ],
          }),
        },
      });
      acknowledgeWildcards(this.functionRole, helper.grants);
      const runtime = props.runtime ?? DEFAULT_RUNTIME;
      checkNodeRuntime(runtime, 'the remediation functions');
      const functionProps = {
        runtime,
        architecture: props.architecture ?? Architecture.ARM_64,
        memorySize: props.memorySize ?? 256,
        timeout: Duration.seconds(helper.timeoutSeconds),
        role: this.functionRole,
        logGroup: this.logGroup,
        description: `imdsv2-guard: ${helper.description}`.slice(0, 256),
        environment: { POWERTOOLS_SERVICE_NAME: helper.entry, LOG_LEVEL: props.logLevel ?? 'INFO', IMDSV2_GUARD_MAX_HOP_LIMIT: String(this.maxHopLimit) },
      };
      this.function = projectFunction(this, 'Function', functionProps, {
        code: props.code,
        entry: path.join(projectRoot, 'lambda', 'remediation', helper.entry, 'handler.ts'),
        projectRoot,
      });
      const olderRuntime = olderRuntimeReason(runtime);
      if (olderRuntime) Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: olderRuntime });
    }

    this.automationRole = new iam.Role(this, 'AutomationRole', {
      // A fixed name with the region (lib/remediation/role-names.ts): the guardrails' SCP names it.
      roleName: remediationRoleName(props.ruleId, 'automation', Aws.REGION),
      // Only Automation executions of this account and Region may assume it (no confused deputy).
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-execution/*` },
        },
      }),
      description: `imdsv2-guard: runs the SSM Automation document ${this.documentName}`,
      inlinePolicies: { Remediate: new iam.PolicyDocument({ statements: spec.grants.map((g, i) => this.statement(g, `Step${i}`)) }) },
    });
    acknowledgeWildcards(this.automationRole, spec.grants);

    const defaults: Record<string, unknown> = { AutomationAssumeRole: this.automationRole.roleArn };
    if (spec.helper && this.function) defaults[spec.helper.parameter] = this.function.functionName;
    const content = withDefaults(source, defaults);

    this.document = new CfnDocument(this, 'Document', {
      name: this.documentName,
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: capExpression ? documentTextCappedBy(content, capExpression) : content,
      // A fixed name cannot be replaced in place: a content change becomes the new default version.
      updateMethod: 'NewVersion',
    });

    if (mode !== 'documents-only') {
      const fixed = new Set(['AutomationAssumeRole', spec.resourceIdParameter, spec.helper?.parameter].filter(Boolean));
      const parameters: Record<string, unknown> = {
        AutomationAssumeRole: { StaticValue: { Values: [this.automationRole.roleArn] } },
      };
      if (spec.resourceIdParameter) parameters[spec.resourceIdParameter] = { ResourceValue: { Value: 'RESOURCE_ID' } };
      for (const [name, value] of Object.entries(props.parameters ?? {})) {
        // These are bound to the rule's resource or to the role and function the IAM policies name.
        if (fixed.has(name)) throw new Error(`${spec.id}: parameter ${name} is set by the construct`);
        parameters[name] = { StaticValue: { Values: [staticValue(source, spec.id, name, value)] } };
      }
      const automatic = mode === 'automatic';
      // With a condition, automatic only where it holds: the automatic-only settings go with it.
      const when = props.automaticCondition;
      const ifAutomatic = <T,>(value: T): T | IResolvable => (when ? Fn.conditionIf(when.logicalId, value, Aws.NO_VALUE) : value);
      const ssmControls = {
        concurrentExecutionRatePercentage: inRange('concurrentExecutionRatePercentage', props.concurrentExecutionRatePercentage ?? 10, 1, 100),
        errorPercentage: inRange('errorPercentage', props.errorPercentage ?? 10, 1, 100),
      };
      // Inside Fn::If CDK does not rename properties: written as CloudFormation spells them.
      const executionControls = when
        ? Fn.conditionIf(when.logicalId, { SsmControls: { ConcurrentExecutionRatePercentage: ssmControls.concurrentExecutionRatePercentage, ErrorPercentage: ssmControls.errorPercentage } }, Aws.NO_VALUE)
        : { ssmControls };
      this.remediationConfiguration = new CfnRemediationConfiguration(this, 'Remediation', {
        configRuleName: props.configRule!.ref,
        targetType: 'SSM_DOCUMENT',
        targetId: this.document.ref,
        parameters,
        // The account-level rule's resource is the account; its document takes no resource id.
        resourceType: spec.resourceIdParameter ? spec.resourceType : undefined,
        automatic: automatic && when ? Fn.conditionIf(when.logicalId, true, false) : automatic,
        ...(automatic
          ? {
              maximumAutomaticAttempts: ifAutomatic(inRange('maximumAutomaticAttempts', props.maximumAutomaticAttempts ?? 3, 1, 25)) as number,
              retryAttemptSeconds: ifAutomatic(inRange('retryAttemptSeconds', props.retryAttemptSeconds ?? 600, 1, 2_678_000)) as number,
              executionControls,
            }
          : {}),
      });
    } else if (props.parameters && Object.keys(props.parameters).length > 0) {
      throw new Error(`${spec.id}: parameters are remediation settings; a documents-only remediation has none (pass them to start-automation-execution)`);
    }

    if (props.condition) {
      for (const child of this.node.findAll()) {
        if (child instanceof CfnResource) child.cfnOptions.condition = props.condition;
      }
    }
  }

  private arn(kind: ResourceKind): string {
    const p = Aws.PARTITION;
    const r = Aws.REGION;
    const a = Aws.ACCOUNT_ID;
    switch (kind) {
      case '*':
        return '*';
      case 'instance':
        return `arn:${p}:ec2:${r}:${a}:instance/*`;
      case 'launch-template':
        return `arn:${p}:ec2:${r}:${a}:launch-template/*`;
      case 'auto-scaling-group':
        return `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:*:autoScalingGroupName/*`;
      case 'launch-configuration':
        return `arn:${p}:autoscaling:${r}:${a}:launchConfiguration:*:launchConfigurationName/*`;
      case 'role':
        return `arn:${p}:iam::${a}:role/*`;
      case 'helper-function':
        if (!this.function) throw new Error('helper-function grant without a helper function');
        return this.function.functionArn;
    }
  }

  private statement(grant: Grant, sid: string): iam.PolicyStatement {
    // ${Partition}/${Region}/${Account} in condition values become the deploying stack's pseudo parameters.
    const place = (v: string) =>
      v
        .replace(/\$\{Partition\}/g, Aws.PARTITION)
        .replace(/\$\{Region\}/g, Aws.REGION)
        .replace(/\$\{Account\}/g, Aws.ACCOUNT_ID)
        .replace(/\$\{MaxHopLimit\}/g, String(this.maxHopLimit));
    const conditions = grant.conditions
      ? Object.fromEntries(
          Object.entries(grant.conditions).map(([op, keys]) => [
            op,
            Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, typeof v === 'string' ? place(v) : v.map(place)])),
          ]),
        )
      : undefined;
    return new iam.PolicyStatement({
      sid,
      effect: grant.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
      actions: [...grant.actions],
      resources: [this.arn(grant.resource)],
      conditions,
    });
  }
}

/** How cdk-nag names a resource ARN built from pseudo parameters. */
const NAG_ARNS: Readonly<Record<Exclude<ResourceKind, 'helper-function'>, string>> = {
  '*': '*',
  instance: 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*',
  'launch-template': 'arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:launch-template/*',
  'auto-scaling-group': 'arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/*',
  'launch-configuration': 'arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:launchConfiguration:*:launchConfigurationName/*',
  role: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*',
};

/**
 * Acknowledges AwsSolutions-IAM5 for exactly the wildcard resources the catalog grants, each
 * with the catalog's reason: any other wildcard added later is still reported.
 */
function acknowledgeWildcards(role: iam.Role, grants: readonly Grant[]): void {
  const reasons = new Map<string, string[]>();
  for (const g of grants) {
    if (g.resource === 'helper-function' || g.effect === 'Deny') continue;
    const id = `AwsSolutions-IAM5[Resource::${NAG_ARNS[g.resource]}]`;
    reasons.set(id, [...(reasons.get(id) ?? []), `${g.actions.join(', ')}: ${g.why}`]);
  }
  for (const [id, why] of reasons) Validations.of(role).acknowledge({ id, reason: why.join(' ') });
}

function documentName(prefix: string, id: string): string {
  if (!NAME_PREFIX.test(prefix)) throw new Error(`documentNamePrefix "${prefix}": use letters, digits, "-", "_" and "." only`);
  const name = `${prefix}${id}`;
  if (RESERVED_PREFIX.test(name)) throw new Error(`SSM document name "${name}" cannot start with aws, amazon or amzn`);
  if (name.length > 128) throw new Error(`SSM document name "${name}" is longer than 128 characters`);
  return name;
}

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

