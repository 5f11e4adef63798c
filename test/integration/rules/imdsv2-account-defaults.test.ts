// imdsv2-account-defaults through the deployed bundle. moto 5.2.1 does not implement EC2
// Get/ModifyInstanceMetadataDefaults, so the front stands in for both (regional, as in AWS); it also
// stands in for PutEvaluations. The defaults are set through the real SDK's ModifyInstanceMetadataDefaults
// where the account can set them, and seeded where only an organization policy could.
import { ModifyInstanceMetadataDefaultsCommand, RunInstancesCommand, type ModifyInstanceMetadataDefaultsCommandInput } from '@aws-sdk/client-ec2';
import { changeEvent, instanceItem, scheduledEvent } from '../harness';
import { AMI, at, invoke, invokeFailing, NOTIFICATION_TIME, REGION, single, useMotoSuite } from './support';

const ID = 'imdsv2-account-defaults';
const ACCOUNT = '111122223333'; // not moto's: the evaluation must take the event's account id
const s = useMotoSuite();

/** Through the front, in us-east-1 (the region of the test's client). */
const modifyDefaults = (input: ModifyInstanceMetadataDefaultsCommandInput) => s.ec2.send(new ModifyInstanceMetadataDefaultsCommand(input));

async function judge(ruleParameters?: Record<string, unknown>, region = REGION) {
  const inv = await invoke(s.front, ID, scheduledEvent({ accountId: ACCOUNT, region, ruleParameters, notificationCreationTime: NOTIFICATION_TIME }), { region });
  const e = single(inv);
  expect(e).toMatchObject({ ComplianceResourceType: 'AWS::::Account', ComplianceResourceId: ACCOUNT });
  expect(e.OrderingTimestamp).toEqual(at(NOTIFICATION_TIME));
  expect(inv.calls.filter((c) => c.operation === 'GetInstanceMetadataDefaults')).toEqual([
    expect.objectContaining({ service: 'ec2', answeredBy: 'front', status: 200, region }),
  ]);
  return e;
}

describe("the front's stand-in for EC2 Get/ModifyInstanceMetadataDefaults (moto lacks both)", () => {
  test('Noncompliance 1: no preference set', async () => {
    const e = await judge();
    expect(e).toMatchObject({
      ComplianceType: 'NON_COMPLIANT',
      Annotation:
        'us-east-1 defaults: HttpTokens=no preference, HttpTokensEnforced=not set. Fix: aws ec2 modify-instance-metadata-defaults --http-tokens required --region us-east-1',
    });
  });

  test('Compliance 1: HttpTokens=required set with ModifyInstanceMetadataDefaults', async () => {
    await modifyDefaults({ HttpTokens: 'required' });
    const e = await judge();
    expect(e).toMatchObject({ ComplianceType: 'COMPLIANT', Annotation: 'us-east-1 defaults: HttpTokens=required, HttpTokensEnforced=not set.' });
  });

  test('Noncompliance 2: HttpTokens=optional', async () => {
    await modifyDefaults({ HttpTokens: 'optional' });
    const e = await judge();
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^us-east-1 defaults: HttpTokens=optional, HttpTokensEnforced=not set\. Fix: /);
  });

  test('Noncompliance 3: required, but requireEnforcement=true and HttpTokensEnforced not set', async () => {
    await modifyDefaults({ HttpTokens: 'required' });
    const e = await judge({ requireEnforcement: 'true' });
    expect(e).toMatchObject({
      ComplianceType: 'NON_COMPLIANT',
      Annotation:
        'us-east-1 defaults: HttpTokens=required, HttpTokensEnforced=not set (must be enabled). ' +
        'Fix: aws ec2 modify-instance-metadata-defaults --http-tokens required --http-tokens-enforced enabled --region us-east-1',
    });
  });

  test('Compliance 2: required with HttpTokensEnforced=enabled under requireEnforcement=true', async () => {
    await modifyDefaults({ HttpTokens: 'required', HttpTokensEnforced: 'enabled' });
    const e = await judge({ requireEnforcement: 'true' });
    expect(e).toMatchObject({ ComplianceType: 'COMPLIANT', Annotation: 'us-east-1 defaults: HttpTokens=required, HttpTokensEnforced=enabled.' });
  });

  test('Noncompliance 4: hop limit 3 above maxHopLimit=2; the fix sets the hop limit', async () => {
    await modifyDefaults({ HttpTokens: 'required', HttpPutResponseHopLimit: 3 });
    const e = await judge({ maxHopLimit: '2' });
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain('hop limit 3 > max 2');
    expect(e.Annotation).toContain('--http-tokens required --http-put-response-hop-limit 2 --region us-east-1');
  });

  test('Noncompliance 5: an endpoint disabled by default is reported but does not make the region compliant', async () => {
    await modifyDefaults({ HttpEndpoint: 'disabled' });
    const e = await judge();
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toContain('HttpTokens=no preference, HttpTokensEnforced=not set, HttpEndpoint=disabled.');
  });

  test('Noncompliance 6: managed by a declarative policy: the annotation says so and the fix is the policy', async () => {
    s.front.ec2.setAccountDefaults(REGION, {
      httpTokens: 'optional',
      managedBy: 'declarative-policy',
      managedExceptionMessage: 'Ask the platform team',
    });
    // The account cannot change it (the stand-in refuses, as AWS does).
    await expect(modifyDefaults({ HttpTokens: 'required' })).rejects.toMatchObject({ name: 'UnauthorizedOperation' });

    const e = await judge();

    expect(e).toMatchObject({
      ComplianceType: 'NON_COMPLIANT',
      Annotation:
        'us-east-1 defaults: HttpTokens=optional, HttpTokensEnforced=not set. Set by an organization declarative policy ("Ask the platform team"). ' +
        'Fix: change the declarative policy (http-tokens required), not the account.',
    });

    // With enforcement required too, the longer fix is kept whole and the description gives way.
    const strict = await judge({ requireEnforcement: 'true' });
    expect(strict.ComplianceType).toBe('NON_COMPLIANT');
    expect(strict.Annotation).toContain('Set by an organization declarative policy');
    expect(strict.Annotation).toMatch(/… Fix: change the declarative policy \(http-tokens required, http-tokens-enforced enabled\), not the account\.$/);
    expect(strict.Annotation.length).toBeLessThanOrEqual(256);
  });

  test('Compliance 3: managed by a declarative policy that requires IMDSv2 says where it comes from', async () => {
    s.front.ec2.setAccountDefaults(REGION, { httpTokens: 'required', httpTokensEnforced: 'enabled', managedBy: 'declarative-policy' });
    const e = await judge();
    expect(e).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: 'us-east-1 defaults: HttpTokens=required, HttpTokensEnforced=enabled. Set by an organization declarative policy.',
    });
  });

  test('the defaults are regional: eu-west-1 is judged on its own defaults, read in eu-west-1', async () => {
    await modifyDefaults({ HttpTokens: 'required' }); // us-east-1 only
    const e = await judge(undefined, 'eu-west-1');
    expect(e.ComplianceType).toBe('NON_COMPLIANT');
    expect(e.Annotation).toMatch(/^eu-west-1 defaults: HttpTokens=no preference.* --region eu-west-1$/);
  });

  test('records only a change (stateful Config results in the front): unchanged re-check 0, changed default 1', async () => {
    const first = await judge();
    expect(first.ComplianceType).toBe('NON_COMPLIANT');

    // Config already holds this verdict: the next periodic run reads it and records nothing.
    const again = await invoke(s.front, ID, scheduledEvent({ accountId: ACCOUNT, notificationCreationTime: NOTIFICATION_TIME }));
    expect(again.returned).toEqual([]);
    expect(again.puts).toEqual([]);
    expect(again.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['GetInstanceMetadataDefaults', 'GetComplianceDetailsByConfigRule']));

    // The default changes: exactly one evaluation, with the new verdict.
    await modifyDefaults({ HttpTokens: 'required' });
    expect(await judge()).toMatchObject({ ComplianceType: 'COMPLIANT' });
  });

  test('a TESTMODE token sends the evaluation in test mode', async () => {
    const inv = await invoke(s.front, ID, scheduledEvent({ accountId: ACCOUNT, resultToken: 'TESTMODE', notificationCreationTime: NOTIFICATION_TIME }));
    expect(single(inv, { testMode: true })).toMatchObject({ ComplianceResourceId: ACCOUNT, ComplianceType: 'NON_COMPLIANT' });
  });
});

describe('typed errors through the bundle (built with keepNames)', () => {
  test('a change notification throws WrongResourceTypeError (the rule is periodic only), reads nothing, sends nothing', async () => {
    const run = await s.ec2.send(new RunInstancesCommand({ ImageId: AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
    const configurationItem = await instanceItem(s.ec2, run.Instances![0].InstanceId!);
    const callsBefore = s.front.calls.length;

    const error = await invokeFailing(s.front, ID, changeEvent({ configurationItem }));

    expect(error.name).toBe('WrongResourceTypeError');
    expect(error.message).toContain('AWS::::Account (periodic only)');
    expect(s.front.calls.slice(callsBefore)).toEqual([]);
  });

  test('a malformed event (no notificationCreationTime) throws MalformedEventError and sends nothing', async () => {
    const event = scheduledEvent({ accountId: ACCOUNT });
    const invoking = JSON.parse(event.invokingEvent) as Record<string, unknown>;
    delete invoking.notificationCreationTime;
    const error = await invokeFailing(s.front, ID, { ...event, invokingEvent: JSON.stringify(invoking) });
    expect(error.name).toBe('MalformedEventError');
    expect(error.message).toContain('notificationCreationTime');
    expect(s.front.calls).toEqual([]);
  });

  test('an unknown rule parameter throws InvalidParameterError and sends nothing', async () => {
    const error = await invokeFailing(s.front, ID, scheduledEvent({ accountId: ACCOUNT, ruleParameters: { requireEnforcment: 'true' } }));
    expect(error.name).toBe('InvalidParameterError');
    expect(error.message).toContain('requireEnforcment');
  });
});
