import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Imdsv2GuardrailsStack } from '../../lib/guardrails/imdsv2-guardrails-stack';

/** cdk-nag 3.x: findings come back from the plugin's report; acknowledged ones are left out of it. */
describe('cdk-nag (AWS Solutions)', () => {
  const configurations = {
    review: {},
    enforce: {
      mode: 'enforce' as const,
      targetIds: ['ou-ab12-cdef3456'],
      breakGlassRoleNames: ['BreakGlass'],
      exemptAccountIds: ['999988887777'],
      maxHopLimit: 2,
      declarativePolicy: { httpTokensEnforced: true },
    },
  };

  test.each(Object.entries(configurations))('%s: zero unacknowledged findings', (_name, props) => {
    const app = new App();
    new Imdsv2GuardrailsStack(app, 'Guardrails', props);
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('synth with the plugin registered, as bin/app.ts registers it, does not fail', () => {
    const app = new App();
    new Imdsv2GuardrailsStack(app, 'Guardrails', configurations.enforce);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
