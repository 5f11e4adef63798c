import { App, type Stack } from 'aws-cdk-lib';
import { configureApp } from '../../lib/guard-app';
import { addGuardrailsFromContext } from '../../lib/guardrails/guardrails-context';
import { Imdsv2GuardAssetBucketStack } from '../../lib/stackset/asset-bucket-stack';
import { testApp } from '../lib/support';

/**
 * Which account needs `cdk bootstrap` (docs/org-runbook.md's table says so from this test): a stack needs it
 * when its artifact asks `cdk deploy` to assume the bootstrap deploy role or to check the bootstrap
 * version, or when its template carries the BootstrapVersion parameter. The detection stack does (its
 * Lambda code is a file asset uploaded to the bootstrap bucket); the guardrails stack and the
 * management stacks do not.
 */

function bootstrapNeeds(app: App, stack: Stack) {
  const artifact = app.synth().getStackArtifact(stack.artifactId);
  return {
    assumeRole: artifact.assumeRoleArn !== undefined,
    bootstrapVersion: artifact.requiresBootstrapStackVersion !== undefined || 'BootstrapVersion' in (artifact.template.Parameters ?? {}),
    // File assets go to the bootstrap bucket, cdk-<qualifier>-assets-<account>-<region>.
    assets: /cdk-[a-z0-9]+-assets-/.test(JSON.stringify(artifact.template)),
    templateBytes: JSON.stringify(artifact.template).length,
  };
}

test('Compliance: the guardrails stack needs no CDK bootstrap (management account) and fits cdk deploy\'s inline template limit', () => {
  const app = testApp({
      'imdsv2-guard:guardrails': true,
      'imdsv2-guard:guardrails:targetIds': 'ou-ab12-cdefgh34',
      'imdsv2-guard:guardrails:breakGlassRoleNames': 'BreakGlass',
      'imdsv2-guard:guardrails:maxHopLimit': 2,
      'imdsv2-guard:guardrails:declarativePolicy': true,
  });
  configureApp(app);
  const guardrails = addGuardrailsFromContext(app)!;
  const needs = bootstrapNeeds(app, guardrails);
  expect(needs).toMatchObject({ assumeRole: false, bootstrapVersion: false, assets: false });
  // Without a bootstrap bucket, cdk deploy sends the template inline: at most 51,200 bytes.
  expect(needs.templateBytes).toBeLessThan(51_200);
});

test('Noncompliance 1: the single-account detection stack does need CDK bootstrap (its Lambda code is a file asset)', () => {
  const app = testApp();
  const stack = configureApp(app);
  expect(bootstrapNeeds(app, stack)).toMatchObject({ assumeRole: true, bootstrapVersion: true, assets: true });
});

test('Compliance: a package bucket stack (management account) needs no CDK bootstrap', () => {
  const app = new App();
  const stack = new Imdsv2GuardAssetBucketStack(app, 'Assets', { assetBucketPrefix: 'acme-imdsv2-guard', organizationId: 'o-a1b2c3d4e5', region: 'eu-west-1' });
  expect(bootstrapNeeds(app, stack)).toMatchObject({ assumeRole: false, bootstrapVersion: false, assets: false });
});
