import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { CfnConfigRule, MaximumExecutionFrequency } from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, CfnPermission, type Code, Function as LambdaFunction, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidParameterError } from '../lambda/kit/errors';
import { parseParameters } from '../lambda/kit/parameters';
import { configRuleName, ruleDescription, type RuleDefinition } from '../lambda/kit/rule-definition';
import type { RuleId } from '../lambda/rules/catalog';
import { checkNodeRuntime, DEFAULT_RUNTIME, olderRuntimeReason, PROJECT_ROOT, projectFunction, ruleEntry } from './bundling';
import { OWN_RULE_ACTIONS, RULE_ACTIONS } from './rule-permissions';

/** Powertools log levels, passed to the function as `LOG_LEVEL`. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/** Settings every rule's function and Config rule share; the stack passes them to each rule. */
export interface Imdsv2RuleOptions {
  /**
   * How often the periodic sweep runs (every rule has one, change-triggered or not).
   * @default MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly maximumExecutionFrequency?: MaximumExecutionFrequency;
  /**
   * Prepended to the rule id to form the Config rule name, e.g. `org-` gives `org-imdsv2-instance`.
   * Letters, digits, `-` and `_`; the whole name must fit in 64 characters.
   * @default '' (the rule is named by its id)
   */
  readonly ruleNamePrefix?: string;
  /**
   * Append the Security Hub control ids the rule mirrors to its name, e.g. `imdsv2-instance-EC2.8`.
   * Security Hub titles a finding from AWS Config with the rule name (not its description), so
   * this is what shows the control next to each finding. Rules mirroring no control keep their id.
   * @default false (the rule is named `<ruleNamePrefix><id>`)
   */
  readonly controlIdsInName?: boolean;
  /**
   * Lambda runtime: Node.js 22 or later (the bundle is built for the default runtime and runs
   * unchanged on Node.js 22, see lib/bundling.ts).
   * @default Runtime.NODEJS_24_X
   */
  readonly runtime?: Runtime;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Lambda timeout. The periodic sweep lists every resource of the type and stops cleanly 20 s
   * before this, so it gets Lambda's maximum: 100,000 instances take roughly 5 minutes of CPU at
   * 256 MB and 10 at 128 MB (`npm run bench`). A change evaluation takes seconds; the SDK clients'
   * socket timeouts keep a stalled call from holding it. Billing is for the time used.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's own log group.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /**
   * Directory holding `package-lock.json` and `lambda/rules/<id>/handler.ts`.
   * @default the imdsv2-guard repository root
   */
  readonly projectRoot?: string;
}

export interface Imdsv2RuleProps<P> extends Imdsv2RuleOptions {
  /** The rule to deploy: id, resource type, triggers and parameter schema (lambda/rules/<id>/definition.ts). */
  readonly definition: RuleDefinition<P>;
  /**
   * Rule parameters, validated at synth time with the rule's own schema (a bad value fails synth
   * with the message the Lambda would log) and passed to AWS Config as `InputParameters`.
   * @default - none: the rule's documented defaults apply
   */
  readonly parameters?: Partial<P>;
  /**
   * The function's code, already bundled: a zip holding the bundle as `index.js` (handler
   * `index.handler`), e.g. `Code.fromBucket(bucket, key)` for a template that must not depend on
   * CDK assets (the StackSet member template, lib/stackset/).
   * @default - bundled from `lambda/rules/<id>/handler.ts` at synth time as a CDK asset
   */
  readonly code?: Code;
}

const RULE_NAME_MAX = 64; // GetComplianceDetailsByConfigRule accepts names of at most 64 characters
const DESCRIPTION_MAX = 256;

/**
 * One AWS Config custom Lambda rule of imdsv2-guard: the rule, its function (bundled locally with
 * esbuild exactly as `npm run build` does), a role holding only the actions the rule's code calls,
 * and the function's own log group.
 */
export class Imdsv2Rule<P = unknown> extends Construct {
  /** The Config rule name: `<ruleNamePrefix><id>`, followed by `-<control id>` for each control with `controlIdsInName`. */
  public readonly ruleName: string;
  public readonly configRule: CfnConfigRule;
  /** Bundled at synth (`bundledCode`) unless `code` was given. */
  public readonly function: LambdaFunction;
  public readonly role: iam.Role;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: Imdsv2RuleProps<P>) {
    super(scope, id);
    const def = props.definition;
    const actions = RULE_ACTIONS[def.id as RuleId];
    if (!actions) throw new Error(`${def.id}: no IAM actions in the catalog (lambda/rules/<id>/permissions.ts)`);
    this.ruleName = ruleName(def, props.ruleNamePrefix ?? '', props.controlIdsInName ?? false);
    const description = ruleDescription(def);
    if (description.length > DESCRIPTION_MAX) {
      throw new Error(`${def.id}: the rule description has ${description.length} characters, AWS Config allows ${DESCRIPTION_MAX}`);
    }
    const inputParameters = serialiseParameters(def, props.parameters);
    const runtime = props.runtime ?? DEFAULT_RUNTIME;
    checkNodeRuntime(runtime, 'the rules');
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.THREE_MONTHS });

    // Our own role rather than the default one: no AWSLambdaBasicExecutionRole, logs only to our group.
    const anyResourceActions = actions.filter((a) => !OWN_RULE_ACTIONS.includes(a));
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `imdsv2-guard ${this.ruleName}: reads what the rule evaluates and reports to AWS Config`,
      inlinePolicies: {
        Evaluate: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ sid: 'ReadAndReport', actions: anyResourceActions, resources: ['*'] }),
            new iam.PolicyStatement({
              sid: 'WriteOwnLogs',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${anyResourceActions.join(', ')} support no resource-level permissions (Service Authorization Reference), so IAM requires Resource "*". The list is exactly what the rule's code calls (lambda/rules/<id>/permissions.ts); its only write is PutEvaluations of this rule's own results.`,
    });

    const functionProps = {
      runtime,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(15),
      role: this.role,
      logGroup: this.logGroup,
      description: `imdsv2-guard: evaluates the AWS Config rule ${this.ruleName}`,
      environment: { POWERTOOLS_SERVICE_NAME: def.id, LOG_LEVEL: props.logLevel ?? 'INFO' },
    };
    this.function = projectFunction(this, 'Function', functionProps, {
      code: props.code,
      entry: ruleEntry(projectRoot, def.id),
      projectRoot,
    });
    const olderRuntime = olderRuntimeReason(runtime);
    if (olderRuntime) Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: olderRuntime });

    // Only AWS Config acting for this account may invoke the function (no confused deputy).
    const permission = new CfnPermission(this, 'ConfigInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
    });

    const frequency = props.maximumExecutionFrequency ?? MaximumExecutionFrequency.TWENTY_FOUR_HOURS;
    const sourceDetails: CfnConfigRule.SourceDetailProperty[] = [];
    if (def.changeTriggered) {
      sourceDetails.push(
        { eventSource: 'aws.config', messageType: 'ConfigurationItemChangeNotification' },
        { eventSource: 'aws.config', messageType: 'OversizedConfigurationItemChangeNotification' },
      );
    }
    // Every rule sweeps periodically: change-triggered rules to catch missed events and clean up
    // results of resources that are gone, the account rule because nothing else triggers it.
    sourceDetails.push({ eventSource: 'aws.config', messageType: 'ScheduledNotification', maximumExecutionFrequency: frequency });

    this.configRule = new CfnConfigRule(this, 'Rule', {
      configRuleName: this.ruleName,
      description,
      source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: this.function.functionArn, sourceDetails },
      scope: def.changeTriggered ? { complianceResourceTypes: [def.resourceType] } : undefined,
      inputParameters,
    });
    // Config checks it may invoke the function when the rule is created.
    this.configRule.node.addDependency(permission);

    // Reading results takes the rule's ARN, which holds a generated id: grant it in a policy of its
    // own, created after the rule (the rule needs the function, the function the role). A sweep that
    // runs before the policy lands fails and is retried by Lambda's asynchronous retries.
    const ownRuleActions = actions.filter((a) => OWN_RULE_ACTIONS.includes(a));
    if (ownRuleActions.length > 0) {
      new iam.Policy(this, 'ReadOwnResults', {
        roles: [this.role],
        statements: [new iam.PolicyStatement({ actions: ownRuleActions, resources: [this.configRule.attrArn] })],
      });
    }
  }
}

function ruleName(def: RuleDefinition<unknown>, prefix: string, controlIdsInName: boolean): string {
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw new Error(`ruleNamePrefix "${prefix}": use letters, digits, "-" and "_" only`);
  }
  const name = configRuleName(def, prefix, controlIdsInName);
  if (name.length > RULE_NAME_MAX) {
    throw new Error(`Config rule name "${name}" has ${name.length} characters; at most ${RULE_NAME_MAX} are allowed`);
  }
  return name;
}

/**
 * Validates parameters with the rule's own schema and serialises the ones given as AWS Config
 * `InputParameters` (every value a string, lists comma-joined, normalised as the Lambda reads them).
 */
function serialiseParameters<P>(def: RuleDefinition<P>, given: Partial<P> | undefined): Record<string, string> | undefined {
  if (!given) return undefined;
  let parsed: P;
  try {
    parsed = parseParameters(def.parameters, given);
  } catch (e) {
    if (e instanceof InvalidParameterError) throw new Error(`${def.id}: ${e.message}`, { cause: e });
    throw e;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const normalised = (parsed as Record<string, unknown>)[name];
    if (value === undefined || normalised === undefined) continue; // not set: the Lambda's default applies
    out[name] = Array.isArray(normalised) ? normalised.join(',') : String(normalised);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
