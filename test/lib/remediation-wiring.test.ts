import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RULE_IDS } from '../../lambda/rules/catalog';
import { configureApp } from '../../lib/guard-app';
import { testApp } from './support';

// The stack wires the remediation constructs (lib/remediation, tested there) from context.
describe('Imdsv2GuardStack remediation wiring', () => {
  test('Compliance: cdk.json default "none" adds no document, role or remediation configuration', () => {
    const template = Template.fromStack(configureApp(testApp()));
    template.resourceCountIs('AWS::SSM::Document', 0);
    template.resourceCountIs('AWS::Config::RemediationConfiguration', 0);
  });

  test.each(['manual', 'automatic'])('Compliance: %s mode adds one document and one remediation per rule, cdk-nag clean', (mode) => {
    const app = testApp({ 'imdsv2-guard:remediation': mode, 'imdsv2-guard:ruleNamePrefix': 'org-' });
    const stack = configureApp(app);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SSM::Document', RULE_IDS.length);
    template.resourceCountIs('AWS::Config::RemediationConfiguration', RULE_IDS.length);
    for (const id of RULE_IDS) {
      const docs = template.findResources('AWS::SSM::Document', { Properties: { Name: `org-${id}`, DocumentType: 'Automation' } });
      expect(Object.keys(docs)).toHaveLength(1);
      template.hasResourceProperties('AWS::Config::RemediationConfiguration', {
        TargetId: { Ref: Object.keys(docs)[0] },
        TargetType: 'SSM_DOCUMENT',
        Automatic: mode === 'automatic',
      });
    }
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  test('Noncompliance 1: an unknown remediation mode fails synth with the context key named', () => {
    expect(() => configureApp(testApp({ 'imdsv2-guard:remediation': 'sometimes' }))).toThrow(/imdsv2-guard:remediation/);
  });
});
