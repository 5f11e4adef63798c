import { App, Validations } from 'aws-cdk-lib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configureApp } from '../../lib/guard-app';
import { Imdsv2GuardAssetBucketStack } from '../../lib/stackset/asset-bucket-stack';
import { Imdsv2GuardMemberStack } from '../../lib/stackset/imdsv2-guard-member-stack';
import { addManagementFromContext, MANAGEMENT_CONTEXT_KEYS as K, managementConfigFromContext } from '../../lib/stackset/management-context';
import { Imdsv2GuardStackSetStack, type Imdsv2GuardStackSetStackProps } from '../../lib/stackset/management-stack';
import { MemberTemplate } from '../../lib/stackset/member-template';
import { MANIFEST_FILE } from '../../lib/stackset/package';
import { testApp } from '../lib/support';
import { Evaluator, type Template as CfnTemplate } from './cfn-eval';
import { CDK_JSON_CONTEXT, FAKE_CODE_VERSIONS, FAKE_HELPER_KEYS, FAKE_KEYS } from './support';

const ORG = 'o-a1b2c3d4e5';
const OUS = ['ou-ab12-cdefgh34', 'ou-ab12-ijklmn56'];
const TEMPLATE_KEY = 'imdsv2-guard/0.1.0/imdsv2-guard-member-0123456789ab.template.json';

/** The member template as packaging produces it (placeholder keys). */
const memberTemplate = (() => {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new Imdsv2GuardMemberStack(app, 'Member', { functionKeys: FAKE_KEYS, helperKeys: FAKE_HELPER_KEYS, codeVersions: FAKE_CODE_VERSIONS });
  return MemberTemplate.fromTemplate(TEMPLATE_KEY, Template.fromStack(stack).toJSON());
})();

function stackSet(props: Partial<Imdsv2GuardStackSetStackProps> = {}) {
  const app = new App();
  const stack = new Imdsv2GuardStackSetStack(app, 'StackSet', {
    region: 'us-east-1',
    template: memberTemplate,
    assetBucketPrefix: 'acme-imdsv2-guard',
    organizationalUnitIds: OUS,
    regions: ['us-east-1', 'eu-west-1'],
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('Imdsv2GuardAssetBucketStack: one region\'s package bucket', () => {
  const app = new App();
  const stack = new Imdsv2GuardAssetBucketStack(app, 'Assets', { assetBucketPrefix: 'acme-imdsv2-guard', organizationId: ORG, region: 'eu-west-1' });
  const template = Template.fromStack(stack);
  const json = template.toJSON();

  test('is named <prefix>-<region>, private, versioned, encrypted, kept on stack deletion', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketName: 'acme-imdsv2-guard-eu-west-1',
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
  });

  test('the organization, and only it, may read packages below imdsv2-guard/; plain HTTP is refused', () => {
    expect(json.Parameters.OrganizationId).toMatchObject({ Type: 'String', Default: ORG, AllowedPattern: '^o-[a-z0-9]{10,32}$' });
    const bucket = Object.keys(json.Resources).find((id) => json.Resources[id].Type === 'AWS::S3::Bucket')!;
    const statements = Object.values(json.Resources as Record<string, any>).find((r) => r.Type === 'AWS::S3::BucketPolicy')!.Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: [{ 'Fn::GetAtt': [bucket, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] }],
      },
      {
        Sid: 'OrganizationReadsPackages',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/imdsv2-guard/*']] },
      },
      {
        Sid: 'OnlyPublisherWritesPackages',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        // No publisher given: every principal of the account (the default; README says to set the CI role).
        Condition: { ArnNotLike: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':*']] } } },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/imdsv2-guard/*']] },
      },
    ]);
  });

  test('with publisherPrincipalArns, only that principal may write or delete packages; a malformed one fails synth', () => {
    const ci = new Imdsv2GuardAssetBucketStack(new App(), 'Ci', {
      assetBucketPrefix: 'acme-imdsv2-guard',
      organizationId: ORG,
      region: 'eu-west-1',
      publisherPrincipalArns: ['arn:aws:iam::111122223333:role/ci-publisher'],
    });
    const policy = Object.values(Template.fromStack(ci).toJSON().Resources as Record<string, any>).find((r) => r.Type === 'AWS::S3::BucketPolicy')!;
    expect(policy.Properties.PolicyDocument.Statement.find((x: { Sid?: string }) => x.Sid === 'OnlyPublisherWritesPackages').Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ci-publisher' },
    });
    expect(
      () => new Imdsv2GuardAssetBucketStack(new App(), 'Bad', { assetBucketPrefix: 'acme-imdsv2-guard', organizationId: ORG, region: 'eu-west-1', publisherPrincipalArns: ['ci'] }),
    ).toThrow(/publisherPrincipalArns/);
  });

  test('needs no CDK bootstrap: no bootstrap parameter or rule, no role to assume', () => {
    expect(json.Parameters.BootstrapVersion).toBeUndefined();
    expect(json.Rules).toBeUndefined();
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    expect([artifact.assumeRoleArn, artifact.requiresBootstrapStackVersion]).toEqual([undefined, undefined]);
  });

  test.each([
    [{ assetBucketPrefix: 'Acme' }, /assetBucketPrefix "Acme"/],
    [{ assetBucketPrefix: 'acme.guard' }, /assetBucketPrefix "acme.guard"/],
    [{ organizationId: '123456789012' }, /organizationId "123456789012"/],
  ])('refuses %j', (override, message) => {
    expect(() => new Imdsv2GuardAssetBucketStack(new App(), 'Bad', { assetBucketPrefix: 'acme-imdsv2-guard', organizationId: ORG, region: 'eu-west-1', ...override })).toThrow(message);
  });
});

describe('Imdsv2GuardStackSetStack: the service-managed StackSet', () => {
  test('deploys the member template to the OUs and regions, with auto-deployment and the operation preferences', () => {
    const { template } = stackSet({ parameters: { EnableLaunchConfigurationRule: 'No', InstanceMaxHopLimit: '2' } });
    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'imdsv2-guard',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        FailureTolerancePercentage: 10,
        MaxConcurrentPercentage: 25,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        RegionConcurrencyType: 'PARALLEL',
      },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: ['us-east-1', 'eu-west-1'] }],
      Parameters: [
        { ParameterKey: 'AssetBucketPrefix', ParameterValue: 'acme-imdsv2-guard' },
        { ParameterKey: 'EnableLaunchConfigurationRule', ParameterValue: 'No' },
        { ParameterKey: 'InstanceMaxHopLimit', ParameterValue: '2' },
      ],
      TemplateBody: Match.absent(),
    });
  });

  test('TemplateURL is the packaged template in the StackSet region\'s bucket', () => {
    const { template } = stackSet();
    const [id] = Object.keys(template.findResources('AWS::CloudFormation::StackSet'));
    const url = new Evaluator(template.toJSON() as CfnTemplate, { region: 'us-east-1' }).property(id, 'TemplateURL');
    expect(url).toBe(`https://acme-imdsv2-guard-us-east-1.s3.us-east-1.amazonaws.com/${TEMPLATE_KEY}`);
  });

  test('delegated administrator, failure tolerance, concurrency and retention are options', () => {
    const { template } = stackSet({
      callAs: 'DELEGATED_ADMIN',
      failureTolerancePercentage: 0,
      maxConcurrentPercentage: 100,
      concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      regionConcurrency: 'SEQUENTIAL',
      retainStacksOnAccountRemoval: true,
      stackSetName: 'org-imdsv2',
    });
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'org-imdsv2',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      OperationPreferences: { FailureTolerancePercentage: 0, MaxConcurrentPercentage: 100, ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE', RegionConcurrencyType: 'SEQUENTIAL' },
    });
  });

  test('capabilities follow the template: named IAM resources need CAPABILITY_NAMED_IAM', () => {
    const named = MemberTemplate.fromTemplate(TEMPLATE_KEY, { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x' } } } });
    expect(named.capabilities).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
    // The member template names its remediation roles (imdsv2-guard-remediation-*-<region>), so the StackSet needs both.
    expect(memberTemplate.capabilities).toEqual(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM']);
  });

  test.each<[string, Partial<Imdsv2GuardStackSetStackProps>, RegExp]>([
    ['a parameter the template does not have', { parameters: { InstanceMaxHoplimit: '2' } }, /InstanceMaxHoplimit is not a parameter of the member template/],
    ['a value outside AllowedValues', { parameters: { EnableInstanceRule: 'yes' } }, /EnableInstanceRule = "yes": allowed values are "Yes", "No"/],
    ['a value outside AllowedPattern', { parameters: { InstanceMaxHopLimit: '65' } }, /InstanceMaxHopLimit = "65": does not match/],
    ['the bucket prefix as a parameter', { parameters: { AssetBucketPrefix: 'x' } }, /AssetBucketPrefix is set from assetBucketPrefix/],
    ['an account id instead of an OU', { organizationalUnitIds: ['123456789012'] }, /organizationalUnitIds: "123456789012" not valid/],
    ['no region', { regions: [] }, /regions: give at least one/],
    ['a region listed twice', { regions: ['eu-west-1', 'eu-west-1'] }, /regions: eu-west-1 listed twice/],
    ['a bad region', { regions: ['europe'] }, /regions: "europe" not valid/],
    ['a failure tolerance over 100', { failureTolerancePercentage: 150 }, /failureTolerancePercentage: expected an integer from 0 to 100/],
    ['no concurrency', { maxConcurrentPercentage: 0 }, /maxConcurrentPercentage: expected an integer from 1 to 100/],
  ])('refuses %s at synth', (_what, props, message) => {
    expect(() => stackSet(props)).toThrow(message);
  });
});

describe('the management stacks in the app (bin/app.ts, -c imdsv2-guard:management=true)', () => {
  const context = {
    [K.enabled]: 'true',
    [K.organizationId]: ORG,
    [K.organizationalUnitIds]: OUS.join(','),
    [K.regions]: 'eu-west-1,ap-southeast-2',
    [K.assetBucketPrefix]: 'acme-imdsv2-guard',
    [K.region]: 'us-east-1',
    [K.parameters]: '{"InstanceMaxHopLimit": 2, "EnableAccountDefaultsRule": "No"}',
  };

  test('without the flag the app is the single-account stack alone', () => {
    const app = testApp();
    configureApp(app);
    expect(addManagementFromContext(app, memberTemplate)).toBeUndefined();
    expect(app.node.children.map((c) => c.node.id)).toEqual(['Imdsv2Guard']);
  });

  test('with it: a bucket stack per target region and for the StackSet\'s own region, and the StackSet after them', () => {
    const app = testApp(context);
    configureApp(app);
    const added = addManagementFromContext(app, memberTemplate)!;
    expect(Object.keys(added.buckets)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    expect(Object.values(added.buckets).map((s) => [s.stackName, s.region])).toEqual([
      ['Imdsv2GuardAssets-us-east-1', 'us-east-1'],
      ['Imdsv2GuardAssets-eu-west-1', 'eu-west-1'],
      ['Imdsv2GuardAssets-ap-southeast-2', 'ap-southeast-2'],
    ]);
    expect(added.stackSet!.region).toBe('us-east-1');
    expect(added.stackSet!.dependencies.map((d) => d.stackName).sort()).toEqual(Object.values(added.buckets).map((s) => s.stackName).sort());
    Template.fromStack(added.stackSet!).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: ['eu-west-1', 'ap-southeast-2'] }],
      Parameters: [
        { ParameterKey: 'AssetBucketPrefix', ParameterValue: 'acme-imdsv2-guard' },
        { ParameterKey: 'InstanceMaxHopLimit', ParameterValue: '2' },
        { ParameterKey: 'EnableAccountDefaultsRule', ParameterValue: 'No' },
      ],
    });
    // The whole app passes cdk-nag; the only acknowledgement added is S1 on each bucket.
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    for (const s of Object.values(added.buckets)) {
      const acks = s.bucket.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object).map((k) => k.replace(/^annotation::/i, '')));
      expect(acks).toEqual(['AwsSolutions-S1']);
    }
  });

  test.each([K.organizationId, K.organizationalUnitIds, K.regions, K.assetBucketPrefix])('%s is required with the flag', (key) => {
    const app = new App({ context: { ...context, [key]: '' } });
    expect(() => managementConfigFromContext(app.node)).toThrow(`Context "${key}": required with imdsv2-guard:management=true`);
  });

  test('the StackSet region falls back to the CLI\'s default region, and is required when there is none', () => {
    const app = new App({ context: { ...context, [K.region]: '' } });
    expect(managementConfigFromContext(app.node, { CDK_DEFAULT_REGION: 'eu-central-1' })!.region).toBe('eu-central-1');
    expect(() => managementConfigFromContext(app.node, {})).toThrow(`Context "${K.region}": required`);
  });

  test.each([
    [K.callAs, 'ADMIN', /expected one of SELF, DELEGATED_ADMIN/],
    [K.failureTolerancePercentage, 'ten', /expected an integer/],
    [K.parameters, '{oops', /is not valid JSON/],
    [K.parameters, '["a"]', /expected a JSON object/],
    [K.enabled, 'yes', /expected true or false/],
  ])('Context %s = %j is refused, naming the key', (key, value, message) => {
    const app = new App({ context: { ...context, [key]: value } });
    expect(() => managementConfigFromContext(app.node)).toThrow(`Context "${key}": `);
    expect(() => managementConfigFromContext(app.node)).toThrow(message);
  });

  test('packaged but not published: only the bucket stacks (publishing needs them), with a warning naming the next step', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imdsv2-guard-unpublished-'));
    try {
      writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ version: '0.1.0', functions: {}, helpers: {} }));
      const app = testApp({ ...context, [K.packageDir]: dir });
      configureApp(app);
      const added = addManagementFromContext(app)!;
      expect(added.stackSet).toBeUndefined();
      expect(app.node.children.map((c) => c.node.id)).toEqual(['Imdsv2Guard', 'Imdsv2GuardAssets-us-east-1', 'Imdsv2GuardAssets-eu-west-1', 'Imdsv2GuardAssets-ap-southeast-2']);
      Annotations.fromStack(added.buckets['us-east-1']).hasWarning('*', Match.stringLikeRegexp('is packaged but not published: only the package buckets are in the app'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a StackSet region the code was not published to is refused at synth', () => {
    expect(() => stackSet({ regions: ['eu-west-1', 'eu-central-1'] })).toThrow(
      /the member template's code is not published in eu-central-1 \(published: us-east-1, eu-west-1, ap-southeast-2\): run `npm run package:stackset -- --publish` with every region/,
    );
    expect(() => stackSet({ region: 'sa-east-1', regions: ['eu-west-1'] })).toThrow(/not published in sa-east-1 /);
  });

  test('without a package the app says to run npm run package:stackset', () => {
    const app = new App({ context: { ...context, [K.packageDir]: '/nonexistent/imdsv2-guard-package' } });
    expect(() => addManagementFromContext(app)).toThrow(/manifest\.json does not exist: run `npm run package:stackset` first/);
  });
});
