import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Imdsv2Guardrails, type Imdsv2GuardrailsProps } from './imdsv2-guardrails';

export interface Imdsv2GuardrailsStackProps extends StackProps, Imdsv2GuardrailsProps {}

/**
 * The opt-in preventive stack: deployed once, from the organization's management account (or a
 * delegated administrator for Organizations policies), separately from the detection stack that
 * runs in every member account.
 */
export class Imdsv2GuardrailsStack extends Stack {
  public readonly guardrails: Imdsv2Guardrails;

  constructor(scope: Construct, id: string, props: Imdsv2GuardrailsStackProps = {}) {
    super(scope, id, {
      description: 'imdsv2-guard guardrails: SCP and EC2 declarative policy that keep IMDSv1 from coming back',
      ...props,
    });
    this.guardrails = new Imdsv2Guardrails(this, 'Guardrails', props);
  }
}
