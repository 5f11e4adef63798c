import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  addGuardrailsFromContext,
  DEFAULT_GUARDRAILS_STACK_NAME,
  GUARDRAIL_CONTEXT_KEYS as K,
  guardrailsConfigFromContext,
} from '../../lib/guardrails/guardrails-context';

const appWith = (context: Record<string, unknown>) => new App({ context });

describe('guardrails from CDK context', () => {
  test('off unless imdsv2-guard:guardrails is true: no stack is added', () => {
    const app = appWith({});
    expect(addGuardrailsFromContext(app)).toBeUndefined();
    expect(app.node.children).toHaveLength(0);
    expect(addGuardrailsFromContext(appWith({ [K.enabled]: 'false' }))).toBeUndefined();
  });

  test('on: a review-mode stack with the construct defaults', () => {
    const app = appWith({ [K.enabled]: 'true' });
    const stack = addGuardrailsFromContext(app)!;
    expect(stack.stackName).toBe(DEFAULT_GUARDRAILS_STACK_NAME);
    Template.fromStack(stack).hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY' });
  });

  test('command-line strings (-c key=value) are parsed', () => {
    const config = guardrailsConfigFromContext(
      appWith({
        [K.enabled]: 'true',
        [K.stackName]: 'OrgGuardrails',
        [K.mode]: 'enforce',
        [K.targetIds]: 'ou-ab12-cdef3456, r-ab12',
        [K.breakGlassRoleNames]: 'BreakGlass,Incident',
        [K.exemptAccountIds]: '999988887777',
        [K.maxHopLimit]: '2',
        [K.denyLaunchConfigurations]: 'false',
        [K.metadataDefaultsLock]: 'all',
        [K.hardeningRoleNames]: 'imdsv2-guard-remediation-*',
        [K.partition]: 'aws',
        [K.declarativePolicy]: '{"hopLimit":1,"httpTokensEnforced":true}',
      }).node,
    );
    expect(config).toEqual({
      enabled: true,
      stackName: 'OrgGuardrails',
      props: {
        mode: 'enforce',
        targetIds: ['ou-ab12-cdef3456', 'r-ab12'],
        breakGlassRoleNames: ['BreakGlass', 'Incident'],
        exemptAccountIds: ['999988887777'],
        maxHopLimit: 2,
        denyLaunchConfigurations: false,
        metadataDefaultsLock: 'all',
        hardeningRoleNames: ['imdsv2-guard-remediation-*'],
        partition: 'aws',
        declarativePolicy: { hopLimit: 1, httpTokensEnforced: true },
      },
    });
  });

  test('cdk.json values (JSON) are accepted as they are', () => {
    const app = appWith({
      [K.enabled]: true,
      [K.mode]: 'enforce',
      [K.targetIds]: ['ou-ab12-cdef3456'],
      [K.maxHopLimit]: 1,
      [K.declarativePolicy]: true,
    });
    const stack = addGuardrailsFromContext(app)!;
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY', TargetIds: ['ou-ab12-cdef3456'] });
    // With no hopLimit of its own, the declarative default follows a lower maxHopLimit.
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Type: 'DECLARATIVE_POLICY_EC2',
      TargetIds: ['ou-ab12-cdef3456'],
      Content: { ec2_attributes: { instance_metadata_defaults: { http_put_response_hop_limit: { '@@assign': '1' } } } },
    });
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a mode that is not review/enforce', { [K.mode]: 'audit' }, /imdsv2-guard:guardrails:mode.*review, enforce/],
    ['a flag that is not a boolean', { [K.enabled]: 'yes' }, /imdsv2-guard:guardrails".*true or false/],
    ['a hop limit that is not an integer', { [K.maxHopLimit]: 'two' }, /maxHopLimit.*integer/],
    ['a list that is not a list', { [K.targetIds]: 42 }, /targetIds.*list/],
    ['declarative settings that are not JSON', { [K.declarativePolicy]: '{hop' }, /declarativePolicy.*JSON object/],
  ])('refuses %s, naming the key', (_name, context, error) => {
    expect(() => guardrailsConfigFromContext(appWith(context).node)).toThrow(error);
  });
});
