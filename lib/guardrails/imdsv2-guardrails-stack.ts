import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BootstrapFreeSynthesizer } from '../stackset/bootstrap-free-synthesizer';
import { Imdsv2Guardrails, type Imdsv2GuardrailsProps } from './imdsv2-guardrails';

export interface Imdsv2GuardrailsStackProps extends StackProps, Imdsv2GuardrailsProps {}

/**
 * The opt-in preventive stack: deployed once, from the organization's management account (or a
 * delegated administrator for Organizations policies), separately from the detection stack that
 * runs in every member account. It holds Organizations policies only, no asset, so it is synthesized
 * without CDK bootstrap resources (no BootstrapVersion check, no deploy role): `cdk deploy` creates
 * it with the caller's credentials and the management account needs no `cdk bootstrap`.
 */
export class Imdsv2GuardrailsStack extends Stack {
  public readonly guardrails: Imdsv2Guardrails;

  constructor(scope: Construct, id: string, props: Imdsv2GuardrailsStackProps = {}) {
    super(scope, id, {
      description: 'imdsv2-guard guardrails: SCP and EC2 declarative policy that keep IMDSv1 from coming back',
      synthesizer: new BootstrapFreeSynthesizer('the guardrails stack deploys without CDK bootstrap resources (Organizations policies only)'),
      ...props,
    });
    this.guardrails = new Imdsv2Guardrails(this, 'Guardrails', props);
  }
}
