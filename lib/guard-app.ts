import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RULE_IDS } from '../lambda/rules/catalog';
import { CONTEXT_KEYS, configFromContext } from './context';
import { fail } from './context-values';
import { checkContextKeys } from './context-keys';
import { guardrailsConfigFromContext } from './guardrails/guardrails-context';
import { managementConfigFromContext } from './stackset/management-context';
import { Imdsv2GuardStack } from './imdsv2-guard-stack';

/**
 * Adds the imdsv2-guard stack, configured from CDK context, to an app and registers cdk-nag's
 * AWS Solutions checks so any unacknowledged finding fails synth. An `imdsv2-guard*` context key it
 * does not know, or a bad value of any key, fails first (lib/context-keys.ts). bin/app.ts and the tests both
 * call this, so the tests check exactly what `cdk synth` builds.
 */
export function configureApp(app: App): Imdsv2GuardStack {
  // Every setting is read before anything is built: a mistake in the guardrails or management keys
  // fails at once, not after the detection stack's functions are bundled.
  checkContextKeys(app.node);
  guardrailsConfigFromContext(app.node);
  managementConfigFromContext(app.node);
  const { stackName, props } = configFromContext(app.node);
  // Parameters for a rule this stack does not deploy are almost certainly a typo or a mistake.
  const deployed: readonly string[] = props.rules ?? RULE_IDS;
  const orphans = Object.keys(props.parameters ?? {}).filter((id) => !deployed.includes(id));
  if (orphans.length > 0) fail(CONTEXT_KEYS.parameters, `${orphans.join(', ')} not among the deployed rules (${CONTEXT_KEYS.rules}: ${deployed.join(', ')})`);
  const stack = new Imdsv2GuardStack(app, stackName, {
    ...props,
    description: 'imdsv2-guard: AWS Config custom rules that enforce EC2 IMDSv2',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
