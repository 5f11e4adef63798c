import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Imdsv2GuardrailsStack, type Imdsv2GuardrailsStackProps } from '../../lib/guardrails/imdsv2-guardrails-stack';
import type { Policy } from './policy-evaluator';

export interface Synthesized {
  readonly app: App;
  readonly stack: Imdsv2GuardrailsStack;
  readonly template: Template;
  /** The SCP's Content exactly as it is in the template. */
  readonly scp: Policy;
  /** The declarative policy's Content as it is in the template, when there is one. */
  readonly declarative?: Record<string, unknown>;
  readonly json: Record<string, any>;
}

/** Synthesizes the guardrails stack and pulls the policies out of the template, as deployed. */
export function synthGuardrails(props: Imdsv2GuardrailsStackProps = {}): Synthesized {
  const app = new App();
  const stack = new Imdsv2GuardrailsStack(app, 'Guardrails', props);
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const policies = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::Organizations::Policy');
  const byType = (t: string) => policies.filter((r) => r.Properties.Type === t).map((r) => r.Properties.Content);
  const scps = byType('SERVICE_CONTROL_POLICY');
  if (scps.length !== 1) throw new Error(`expected one SCP, found ${scps.length}`);
  const declaratives = byType('DECLARATIVE_POLICY_EC2');
  return { app, stack, template, json, scp: scps[0] as Policy, declarative: declaratives[0] };
}

/** The request context an assumed-role session from `account` carries. */
export function roleSession(account: string, roleName: string, path = '/'): Record<string, string> {
  return { 'aws:PrincipalArn': `arn:aws:iam::${account}:role${path}${roleName}`, 'aws:PrincipalAccount': account };
}
