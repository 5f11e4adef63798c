import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { RULE_IDS, RULES } from '../../lambda/rules/catalog';
import { checkDocument, documentIds, loadDocument, REPO_ROOT, resolveParameters, type AutomationDocument } from '../../cli/local/automation';

// The SSM document JSON schema the AWS language service ships; ajv 8 reads its draft-07 dialect.
const SCHEMA_FILE = path.join(REPO_ROOT, 'node_modules', 'aws-ssm-document-language-service', 'dist', 'schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
// strict: false because the schema uses keywords ajv's strict mode rejects (defaultSnippets);
// unicodeRegExp: false because its patterns are not valid with the u flag.
const validate = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true }).compile(schema);

const ids = documentIds();
const docs: Array<[string, AutomationDocument]> = ids.map((id) => [id, loadDocument(id)]);

/** Sample values for required parameters, so defaults and patterns can be checked together. */
const SAMPLES: Record<string, string> = {
  InstanceId: 'i-0123456789abcdef0',
  LaunchTemplateId: 'lt-0123456789abcdef0',
  LaunchConfigurationArn:
    'arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:9dbbbf87-6141-428a-a409-0752edbe6cad:launchConfigurationName/web-v1',
  AutoScalingGroupArn:
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:37a9d14a-6bf2-4b3f-9cea-b8a440e9b183:autoScalingGroupName/web',
};

describe('remediations/*.yaml', () => {
  test('there is exactly one document per rule, named by the rule id', () => {
    expect(ids).toEqual([...RULE_IDS].sort());
  });

  test.each(docs)('Compliance: %s validates against the SSM document JSON schema', (_id, doc) => {
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('Noncompliance 1: the schema validator rejects a document with an unknown action and a bad parameter type', () => {
    const broken = JSON.parse(JSON.stringify(docs[0][1]));
    broken.mainSteps[0].action = 'aws:doSomething';
    broken.parameters.Extra = { type: 'Strung' };
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toEqual(expect.arrayContaining(['/mainSteps/0/action', '/parameters/Extra/type']));
  });

  test.each(docs)('Compliance: %s passes the static checks Automation makes (targets, references, one operator per choice)', (_id, doc) => {
    expect(checkDocument(doc)).toEqual([]);
  });

  test('Noncompliance 2: the static checks catch a dangling reference, a missing step and an output read before it exists', () => {
    const doc = JSON.parse(JSON.stringify(loadDocument('imdsv2-instance'))) as { mainSteps: Array<Record<string, any>> };
    doc.mainSteps[0].inputs.Payload = '{"Id": "{{ NoSuchParameter }}", "Endpoint": "{{ ReadMetadataOptions.HttpEndpoint }}"}';
    doc.mainSteps[1].inputs.Default = 'NoSuchStep';
    const problems = checkDocument(doc as unknown as AutomationDocument);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('{{ NoSuchParameter }} is not a parameter'),
        expect.stringContaining('{{ ReadMetadataOptions.HttpEndpoint }} refers to a step that does not run earlier'),
        expect.stringContaining('Default "NoSuchStep" is not a step'),
      ]),
    );
  });

  test.each(docs)('Compliance: %s gives every String parameter an allowedPattern', (_id, doc) => {
    const strings = Object.entries(doc.parameters ?? {}).filter(([, p]) => p.type === 'String');
    expect(strings.length).toBeGreaterThan(0);
    expect(strings.filter(([, p]) => typeof p.allowedPattern !== 'string').map(([n]) => n)).toEqual([]);
  });

  test.each(docs)('Compliance: %s runs as the AutomationAssumeRole parameter, which accepts a role ARN or nothing', (_id, doc) => {
    expect(doc.assumeRole).toBe('{{ AutomationAssumeRole }}');
    const role = doc.parameters?.AutomationAssumeRole;
    expect(role?.type).toBe('String');
    const pattern = new RegExp(role!.allowedPattern!);
    expect(pattern.test('arn:aws:iam::123456789012:role/imdsv2-guard-remediation')).toBe(true);
    expect(pattern.test('arn:aws-us-gov:iam::123456789012:role/path/to/role')).toBe(true);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test('arn:aws:iam::123456789012:user/alice')).toBe(false);
  });

  test.each(docs)('Compliance: %s describes the rule and control it fixes, and every input', (id, doc) => {
    const definition = RULES.find((r) => r.id === id)!;
    const description = doc.description ?? '';
    expect(description).toContain(`**${id}**`);
    if (definition.controls.length > 0) {
      for (const control of definition.controls) expect(description).toContain(control);
    } else {
      expect(description).toMatch(/No Security Hub control/);
    }
    if (definition.managedRule) expect(description).toContain(definition.managedRule);
    for (const name of Object.keys(doc.parameters ?? {})) expect(description).toContain(`\`${name}\``);
    expect(description).toMatch(/\*\*What changes\.\*\*/);
    expect(description).toMatch(/\*\*Rollback\.\*\*/);
  });

  // imdsv2-launch-configuration: the template id and version are chosen by the function (never found by tag, which
  // anyone could set), and Automation cannot read them out of its Payload, so the function reads its own work back
  // (version data and groups) and fails the step otherwise (test/remediation/migrate-launch-configuration.test.ts).
  test.each(docs)('Compliance: %s ends with a step that verifies the resource changed', (id, doc) => {
    const last = doc.mainSteps[doc.mainSteps.length - 1];
    // imdsv2-auto-scaling-group likewise: the group's name is in the ARN, which Automation cannot take apart, so the
    // function judges every instance again after the refresh (test/integration/remediation.test.ts).
    if (id === 'imdsv2-launch-configuration' || id === 'imdsv2-auto-scaling-group') {
      expect(last).toMatchObject({ action: 'aws:invokeLambdaFunction', isEnd: true, onFailure: 'Abort' });
      return;
    }
    expect(last.action).toBe('aws:assertAwsResourceProperty');
    expect(last.isEnd).toBe(true);
    expect(last.name).toMatch(/^Verify/);
  });

  test.each(docs)('Compliance: %s accepts its own defaults (types, allowedPattern, allowedValues)', (_id, doc) => {
    const required = Object.entries(doc.parameters ?? {}).filter(([, p]) => p.default === undefined).map(([n]) => n);
    const given = Object.fromEntries(required.map((n) => [n, SAMPLES[n]]));
    expect(required.filter((n) => SAMPLES[n] === undefined)).toEqual([]);
    expect(() => resolveParameters(doc.parameters ?? {}, given)).not.toThrow();
  });

  test('Noncompliance 3: parameter patterns refuse what Config would never pass and what would break a JSON payload', () => {
    const lc = loadDocument('imdsv2-launch-configuration').parameters!;
    const asg = loadDocument('imdsv2-auto-scaling-group').parameters!;
    const instance = loadDocument('imdsv2-instance').parameters!;
    expect(() => resolveParameters(lc, { LaunchConfigurationArn: 'web-v1' })).toThrow(/allowedPattern/);
    expect(() => resolveParameters(lc, { LaunchConfigurationArn: `${SAMPLES.LaunchConfigurationArn}", "Force": "true` })).toThrow(/allowedPattern/);
    expect(() => resolveParameters(asg, { AutoScalingGroupArn: 'web' })).toThrow(/allowedPattern/);
    expect(() => resolveParameters(instance, { InstanceId: 'i-0123456789abcdef0"}' })).toThrow(/allowedPattern/);
    expect(() => resolveParameters(instance, { InstanceId: SAMPLES.InstanceId, HttpPutResponseHopLimit: 65 })).toThrow(/allowedValues/);
  });
});
