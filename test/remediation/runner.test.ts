import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { StartInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import {
  AutomationInputError,
  commandFor,
  convert,
  interpolate,
  plainResponse,
  runAutomation,
  select,
  SelectorSyntaxError,
  UnsupportedApiError,
  type ApiCaller,
  type AutomationDocument,
  type Step,
} from '../../cli/local/automation';

/** A fake AWS: answers by `service:Api`, records every call. */
function fakeApi(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const calls: Array<{ service: string; api: string; input: Record<string, unknown> }> = [];
  const callApi: ApiCaller = async (service, api, input) => {
    calls.push({ service, api, input });
    const answer = answers[`${service}:${api}`];
    if (!answer) throw Object.assign(new Error(`no fake for ${service}:${api}`), { name: 'UnknownOperation' });
    return answer(input);
  };
  return { calls, callApi };
}

function doc(steps: Step[], parameters: AutomationDocument['parameters'] = {}, outputs?: string[]): AutomationDocument {
  return { schemaVersion: '0.3', parameters, mainSteps: steps, outputs };
}

const describeInstance = (options: Record<string, unknown>) => ({
  Reservations: [{ Instances: [{ InstanceId: 'i-0123456789abcdef0', MetadataOptions: options, State: { Name: 'running' } }] }],
});

describe('selector', () => {
  const response = describeInstance({ HttpPutResponseHopLimit: 2, HttpTokens: 'optional' });

  test('Compliance: member, index and quoted-member segments, as our documents write them', () => {
    expect(select(response, '$.Reservations[0].Instances[0].MetadataOptions.HttpPutResponseHopLimit')).toBe(2);
    expect(select(response, "$.Reservations[0]['Instances'][0].InstanceId")).toBe('i-0123456789abcdef0');
    expect(select(response, '$')).toBe(response);
  });

  test('Compliance: a path that leads nowhere selects nothing rather than failing', () => {
    expect(select(response, '$.Reservations[3].Instances[0]')).toBeUndefined();
    expect(select(response, '$.Reservations[0].Missing.Deeper')).toBeUndefined();
    expect(select({ a: 'text' }, '$.a[0]')).toBeUndefined();
  });

  test('Noncompliance 1: filters, wildcards and recursive descent are refused, not guessed at', () => {
    expect(() => select(response, '$.Reservations[*].Instances')).toThrow(SelectorSyntaxError);
    expect(() => select(response, '$..InstanceId')).toThrow(SelectorSyntaxError);
    expect(() => select(response, "$.Reservations[?(@.x=='y')]")).toThrow(SelectorSyntaxError);
    expect(() => select(response, 'Reservations[0]')).toThrow(SelectorSyntaxError);
  });
});

describe('types', () => {
  test.each([
    ['String', 5, '5'],
    ['String', true, 'true'],
    ['String', ['only'], 'only'],
    ['Integer', '12', 12],
    ['Integer', [7], 7],
    ['Boolean', 'True', true],
    ['Boolean', 'false', false],
    ['StringList', 'a', ['a']],
    ['StringList', ['a', 'b'], ['a', 'b']],
    ['StringMap', { a: 1 }, { a: 1 }],
    ['MapList', [{ a: 1 }], [{ a: 1 }]],
  ] as const)('Compliance: %s accepts %j as %j', (type, input, expected) => {
    expect(convert(input, type, 'v')).toEqual(expected);
  });

  test.each([
    ['Integer', 'twelve'],
    ['Integer', 1.5],
    ['Boolean', 'yes'],
    ['StringMap', ['a']],
    ['MapList', ['a']],
    ['String', { a: 1 }],
  ] as const)('Noncompliance: %s refuses %j', (type, input) => {
    expect(() => convert(input, type, 'v')).toThrow(/cannot be converted/);
  });
});

describe('interpolation', () => {
  const values: Record<string, unknown> = { HopLimit: 2, Force: false, Name: 'web', 'Read.Endpoint': 'disabled', List: ['a', 'b'] };
  const resolve = (name: string) => (name in values ? { found: true as const, value: values[name] } : { found: false as const });

  test('Compliance: a whole-string reference keeps its type; a reference inside text becomes text', () => {
    expect(interpolate('{{ HopLimit }}', resolve)).toBe(2);
    expect(interpolate('{{HopLimit}}', resolve)).toBe(2);
    expect(interpolate('{{ List }}', resolve)).toEqual(['a', 'b']);
    expect(interpolate('{"Force": "{{ Force }}", "Hop": {{ HopLimit }}}', resolve)).toBe('{"Force": "false", "Hop": 2}');
    expect(interpolate({ A: ['{{ Name }}'], B: { C: '{{ Read.Endpoint }}' } }, resolve)).toEqual({ A: ['web'], B: { C: 'disabled' } });
  });

  test('Noncompliance 1: an unknown reference is an error', () => {
    expect(() => interpolate('{{ Nope }}', resolve)).toThrow(/does not name a parameter/);
  });
});

describe('parameters', () => {
  const parameters: AutomationDocument['parameters'] = {
    Id: { type: 'String', allowedPattern: '^i-[0-9a-f]+$' },
    Days: { type: 'Integer', default: 14 },
    Force: { type: 'Boolean', default: false },
    Mode: { type: 'String', default: 'a', allowedValues: ['a', 'b'], allowedPattern: '^[ab]$' },
  };
  const echo = doc(
    [{ name: 'Echo', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'Echo', Id: '{{ Id }}', Days: '{{ Days }}', Force: '{{ Force }}' } }],
    parameters,
  );

  test('Compliance: defaults apply and string forms convert to the declared types, as from the CLI', async () => {
    const api = fakeApi({ 'ec2:Echo': (i) => i });
    const result = await runAutomation(echo, { callApi: api.callApi, parameters: { Id: 'i-0abc', Days: '30', Force: 'true' } });
    expect(result.status).toBe('Success');
    expect(api.calls[0].input).toEqual({ Id: 'i-0abc', Days: 30, Force: true });
  });

  test.each([
    [{}, /Parameter Id is required/],
    [{ Id: 'vol-1' }, /does not match allowedPattern/],
    [{ Id: 'i-0abc', Mode: 'c' }, /allowedPattern|allowedValues/],
    [{ Id: 'i-0abc', Days: 'soon' }, /cannot be converted to Integer/],
    [{ Id: 'i-0abc', Other: 'x' }, /Unknown parameter/],
  ])('Noncompliance: %j is refused before any step runs', async (given, message) => {
    const api = fakeApi({});
    await expect(runAutomation(echo, { callApi: api.callApi, parameters: given })).rejects.toThrow(message);
    expect(api.calls).toEqual([]);
  });
});

describe('aws:executeAwsApi', () => {
  test('Compliance: calls Service/Api with the remaining inputs and selects typed outputs', async () => {
    const use = jest.fn((_input: Record<string, unknown>) => ({}));
    const api = fakeApi({ 'ec2:DescribeInstances': () => describeInstance({ HttpPutResponseHopLimit: 3, HttpEndpoint: 'enabled' }), 'ec2:Use': use });
    const d = doc(
      [
        {
          name: 'Read',
          action: 'aws:executeAwsApi',
          inputs: { Service: 'ec2', Api: 'DescribeInstances', InstanceIds: ['{{ Id }}'] },
          outputs: [
            { Name: 'Hop', Selector: '$.Reservations[0].Instances[0].MetadataOptions.HttpPutResponseHopLimit', Type: 'Integer' },
            { Name: 'HopText', Selector: '$.Reservations[0].Instances[0].MetadataOptions.HttpPutResponseHopLimit', Type: 'String' },
            { Name: 'Endpoint', Selector: '$.Reservations[0].Instances[0].MetadataOptions.HttpEndpoint' },
          ],
        },
        { name: 'Use', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'Use', Hop: '{{ Read.Hop }}', Text: 'hop {{ Read.HopText }}' } },
      ],
      { Id: { type: 'String', allowedPattern: '^i-' } },
      ['Read.Hop', 'Read.Endpoint'],
    );
    const result = await runAutomation(d, { callApi: api.callApi, parameters: { Id: 'i-1' } });
    expect(result.status).toBe('Success');
    expect(result.steps[0].outputs).toEqual({ Hop: 3, HopText: '3', Endpoint: 'enabled' });
    expect(use).toHaveBeenCalledWith({ Hop: 3, Text: 'hop 3' });
    expect(result.outputs).toEqual({ 'Read.Hop': 3, 'Read.Endpoint': 'enabled' });
    expect(api.calls.map((c) => c.api)).toEqual(['DescribeInstances', 'Use']);
  });

  test('Noncompliance 1: an output whose selector matches nothing fails the step', async () => {
    const api = fakeApi({ 'ec2:DescribeInstances': () => ({ Reservations: [] }) });
    const d = doc([
      {
        name: 'Read',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'ec2', Api: 'DescribeInstances' },
        outputs: [{ Name: 'Hop', Selector: '$.Reservations[0].Instances[0].MetadataOptions.HttpPutResponseHopLimit', Type: 'Integer' }],
      },
    ]);
    const result = await runAutomation(d, { callApi: api.callApi });
    expect(result).toMatchObject({ status: 'Failed', failedStep: 'Read', failureMessage: expect.stringMatching(/matched nothing/) });
  });

  test('Noncompliance 2: an API error fails the step with the service error, retried maxAttempts times', async () => {
    let n = 0;
    const api = fakeApi({
      'ec2:Modify': () => {
        n += 1;
        throw Object.assign(new Error('The instance ID does not exist'), { name: 'InvalidInstanceID.NotFound' });
      },
    });
    const d = doc([{ name: 'Modify', action: 'aws:executeAwsApi', maxAttempts: 3, inputs: { Service: 'ec2', Api: 'Modify' } }]);
    const result = await runAutomation(d, { callApi: api.callApi });
    expect(n).toBe(3);
    expect(result.steps[0]).toMatchObject({ status: 'Failed', attempts: 3 });
    expect(result.failureMessage).toBe('ec2.Modify failed: InvalidInstanceID.NotFound: The instance ID does not exist');
  });

  test('Compliance: a stand-in answers the operations it is given, and the call is recorded as answered by it', async () => {
    const api = fakeApi({});
    const d = doc([
      {
        name: 'Start',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'autoscaling', Api: 'StartInstanceRefresh', AutoScalingGroupName: 'web' },
        outputs: [{ Name: 'Id', Selector: '$.InstanceRefreshId' }],
      },
    ]);
    const result = await runAutomation(d, {
      callApi: api.callApi,
      standIns: { 'autoscaling:StartInstanceRefresh': async (input) => ({ InstanceRefreshId: `refresh-${String(input.AutoScalingGroupName)}` }) },
    });
    expect(result.steps[0].outputs).toEqual({ Id: 'refresh-web' });
    expect(result.apiCalls).toEqual([{ step: 'Start', service: 'autoscaling', api: 'StartInstanceRefresh', input: { AutoScalingGroupName: 'web' }, answeredBy: 'stand-in' }]);
    expect(api.calls).toEqual([]);
  });
});

describe('aws:assertAwsResourceProperty and aws:waitForAwsResourceProperty', () => {
  const assertStep = (desired: unknown[]): Step => ({
    name: 'Verify',
    action: 'aws:assertAwsResourceProperty',
    inputs: {
      Service: 'ec2',
      Api: 'DescribeInstances',
      InstanceIds: ['i-1'],
      PropertySelector: '$.Reservations[0].Instances[0].MetadataOptions.HttpTokens',
      DesiredValues: desired,
    },
  });

  test('Compliance: passes when the property is one of DesiredValues; PropertySelector and DesiredValues are not sent', async () => {
    const api = fakeApi({ 'ec2:DescribeInstances': () => describeInstance({ HttpTokens: 'required' }) });
    const result = await runAutomation(doc([assertStep(['optional', 'required'])]), { callApi: api.callApi });
    expect(result.status).toBe('Success');
    expect(api.calls[0].input).toEqual({ InstanceIds: ['i-1'] });
  });

  test('Noncompliance 1: fails naming the expected and actual values', async () => {
    const api = fakeApi({ 'ec2:DescribeInstances': () => describeInstance({ HttpTokens: 'optional' }) });
    const result = await runAutomation(doc([assertStep(['required'])]), { callApi: api.callApi });
    expect(result.failureMessage).toBe(
      'Verify: expected $.Reservations[0].Instances[0].MetadataOptions.HttpTokens to be one of [required] but it is optional',
    );
  });

  test('Compliance: Booleans compare with True/False as Automation documents them; numbers compare as text', async () => {
    const api = fakeApi({ 'ec2:Get': () => ({ Flag: true, Count: 2 }) });
    const steps: Step[] = [
      { name: 'Flag', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Flag', DesiredValues: ['True'] } },
      { name: 'Count', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Count', DesiredValues: ['2'] } },
    ];
    expect((await runAutomation(doc(steps), { callApi: api.callApi })).status).toBe('Success');
  });

  test('Compliance: waits, polling until the property reaches a desired value', async () => {
    const states = ['pending', 'pending', 'applied'];
    const api = fakeApi({ 'ec2:DescribeInstances': () => describeInstance({ State: states.shift() ?? 'applied' }) });
    const wait: Step = {
      name: 'Wait',
      action: 'aws:waitForAwsResourceProperty',
      timeoutSeconds: 60,
      inputs: { Service: 'ec2', Api: 'DescribeInstances', PropertySelector: '$.Reservations[0].Instances[0].MetadataOptions.State', DesiredValues: ['applied'] },
    };
    const result = await runAutomation(doc([wait]), { callApi: api.callApi, pollSeconds: 10 });
    expect(result.status).toBe('Success');
    expect(api.calls).toHaveLength(3);
  });

  test('Noncompliance 2: a wait fails at its timeoutSeconds, on the virtual clock, with the last value seen', async () => {
    const api = fakeApi({ 'ec2:DescribeInstances': () => describeInstance({ State: 'pending' }) });
    const wait: Step = {
      name: 'Wait',
      action: 'aws:waitForAwsResourceProperty',
      timeoutSeconds: 30,
      inputs: { Service: 'ec2', Api: 'DescribeInstances', PropertySelector: '$.Reservations[0].Instances[0].MetadataOptions.State', DesiredValues: ['applied'] },
    };
    const result = await runAutomation(doc([wait]), { callApi: api.callApi, pollSeconds: 10 });
    expect(api.calls).toHaveLength(4); // t = 0, 10, 20, 30
    expect(result.failureMessage).toMatch(/timed out after 30s .* last value pending/);
  });
});

describe('aws:branch and flow control', () => {
  const mark = (name: string, extra: Partial<Step> = {}): Step => ({ name, action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: name }, ...extra });
  const marks = () => fakeApi(Object.fromEntries(['A', 'B', 'C', 'D', 'Fail'].map((n) => [`ec2:${n}`, () => {
    if (n === 'Fail') throw Object.assign(new Error('boom'), { name: 'InternalError' });
    return {};
  }])));
  const params: AutomationDocument['parameters'] = {
    Count: { type: 'Integer', default: 0 },
    Flag: { type: 'Boolean', default: false },
    Text: { type: 'String', default: 'x', allowedPattern: '^.*$' },
  };
  const branch = (choices: unknown[], Default?: string): Step => ({ name: 'Choose', action: 'aws:branch', inputs: { Choices: choices, ...(Default ? { Default } : {}) } });

  test.each([
    [{ Count: 5 }, [{ NextStep: 'B', Variable: '{{ Count }}', NumericGreater: 3 }], 'B'],
    [{ Count: 0 }, [{ NextStep: 'B', Variable: '{{ Count }}', NumericEquals: 0 }], 'B'],
    [{ Count: 2 }, [{ NextStep: 'B', Variable: '{{ Count }}', NumericEquals: 0 }], 'C'],
    [{ Flag: true }, [{ NextStep: 'B', Variable: '{{ Flag }}', BooleanEquals: true }], 'B'],
    [{ Flag: false }, [{ NextStep: 'B', Variable: '{{ Flag }}', BooleanEquals: true }], 'C'],
    [{ Text: 'stopped' }, [{ NextStep: 'B', Variable: '{{ Text }}', StringEquals: 'stopped' }], 'B'],
    [{ Text: '{"Gate":"IMDSV1_GATE_OPEN"}' }, [{ NextStep: 'B', Variable: '{{ Text }}', Contains: 'IMDSV1_GATE_OPEN' }], 'B'],
    [{ Count: 2, Flag: true }, [{ NextStep: 'B', And: [{ Variable: '{{ Count }}', NumericGreater: 1 }, { Variable: '{{ Flag }}', BooleanEquals: true }] }], 'B'],
    [{ Count: 0 }, [{ NextStep: 'B', Or: [{ Variable: '{{ Count }}', NumericGreater: 1 }, { Variable: '{{ Flag }}', BooleanEquals: true }] }], 'C'],
    [{ Count: 0 }, [{ NextStep: 'B', Not: { Variable: '{{ Count }}', NumericGreater: 1 } }], 'B'],
    [{ Count: 9 }, [{ NextStep: 'C', Variable: '{{ Count }}', NumericLesser: 3 }, { NextStep: 'B', Variable: '{{ Count }}', NumericGreaterOrEquals: 9 }], 'B'],
  ])('Compliance: %j with %j goes to %s (first true choice, else Default)', async (given, choices, expected) => {
    const d = doc([branch(choices, 'C'), mark('B', { isEnd: true }), mark('C', { isEnd: true })], params);
    const result = await runAutomation(d, { callApi: marks().callApi, parameters: given });
    expect(result.path).toEqual(['Choose', expected]);
  });

  test('Compliance: no true choice and no Default goes on to the next step', async () => {
    const d = doc([branch([{ NextStep: 'C', Variable: '{{ Count }}', NumericEquals: 1 }]), mark('B'), mark('C')], params);
    expect((await runAutomation(d, { callApi: marks().callApi })).path).toEqual(['Choose', 'B', 'C']);
  });

  test('Compliance: nextStep jumps, isEnd stops, and both are honoured after a branch target', async () => {
    const d = doc([mark('A', { nextStep: 'C' }), mark('B'), mark('C', { isEnd: true }), mark('D')]);
    const result = await runAutomation(d, { callApi: marks().callApi });
    expect(result.path).toEqual(['A', 'C']);
    expect(result.status).toBe('Success');
  });

  test('Noncompliance 1: onFailure Abort (the default) stops the execution at the failed step', async () => {
    const d = doc([mark('A'), mark('Fail'), mark('B')]);
    const result = await runAutomation(d, { callApi: marks().callApi });
    expect(result).toMatchObject({ status: 'Failed', failedStep: 'Fail', path: ['A', 'Fail'] });
  });

  test('Noncompliance 2: onFailure step:X jumps, but a critical failure still fails the execution', async () => {
    const d = doc([mark('Fail', { onFailure: 'step:C' }), mark('B'), mark('C')]);
    const result = await runAutomation(d, { callApi: marks().callApi });
    expect(result).toMatchObject({ status: 'Failed', failedStep: 'Fail', path: ['Fail', 'C'] });
  });

  test('Compliance: onFailure Continue with isCritical false lets the execution succeed', async () => {
    const d = doc([mark('Fail', { onFailure: 'Continue', isCritical: false }), mark('B')]);
    const result = await runAutomation(d, { callApi: marks().callApi });
    expect(result).toMatchObject({ status: 'Success', path: ['Fail', 'B'] });
  });

  test('Noncompliance 3: an invalid document is refused before any call (dangling nextStep)', async () => {
    const api = marks();
    await expect(runAutomation(doc([mark('A', { nextStep: 'Nowhere' })]), { callApi: api.callApi })).rejects.toThrow(AutomationInputError);
  });
});

describe('aws:invokeLambdaFunction', () => {
  const params: AutomationDocument['parameters'] = {
    Id: { type: 'String', allowedPattern: '^i-[0-9a-f]+$' },
    Force: { type: 'Boolean', default: false },
  };
  const invoke: Step = {
    name: 'Gate',
    action: 'aws:invokeLambdaFunction',
    inputs: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:gate', Payload: '{"InstanceId": "{{ Id }}", "Force": "{{ Force }}"}' },
  };

  test('Compliance: calls the function with the parsed Payload; Payload output is the result as JSON text', async () => {
    const gate = jest.fn(async (event: unknown) => ({ Gate: 'IMDSV1_GATE_OPEN', seen: event }));
    const d = doc([invoke, { name: 'Next', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'Next', Variable: '{{ Gate.Payload }}', Contains: 'nope' }] } }], params);
    const result = await runAutomation(d, { callApi: fakeApi({}).callApi, lambdas: { gate }, parameters: { Id: 'i-0abc' } });
    expect(gate).toHaveBeenCalledWith({ InstanceId: 'i-0abc', Force: 'false' });
    expect(result.steps[0].outputs).toEqual({ StatusCode: 200, Payload: '{"Gate":"IMDSV1_GATE_OPEN","seen":{"InstanceId":"i-0abc","Force":"false"}}' });
  });

  test('Noncompliance 1: a function error fails the step with the function message', async () => {
    const gate = async () => {
      throw Object.assign(new Error('IMDSv1 calls seen: 42 in the last 14 days'), { name: 'Imdsv1InUseError' });
    };
    const result = await runAutomation(doc([invoke], params), { callApi: fakeApi({}).callApi, lambdas: { gate }, parameters: { Id: 'i-0abc' } });
    expect(result).toMatchObject({
      status: 'Failed',
      failedStep: 'Gate',
      failureMessage: 'Gate: Lambda function arn:aws:lambda:us-east-1:123456789012:function:gate failed: Imdsv1InUseError: IMDSv1 calls seen: 42 in the last 14 days',
    });
  });

  test('Compliance: with functionErrorFailsStep false the step succeeds and reports FunctionError and the error payload', async () => {
    const gate = async () => {
      throw Object.assign(new Error('closed'), { name: 'Imdsv1InUseError' });
    };
    const result = await runAutomation(doc([invoke], params), {
      callApi: fakeApi({}).callApi,
      lambdas: { gate },
      parameters: { Id: 'i-0abc' },
      functionErrorFailsStep: false,
    });
    expect(result.steps[0].outputs).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', Payload: '{"errorType":"Imdsv1InUseError","errorMessage":"closed"}' });
  });

  test('Noncompliance 2: a missing function or a Payload that is not JSON fails the step', async () => {
    const missing = await runAutomation(doc([invoke], params), { callApi: fakeApi({}).callApi, lambdas: {}, parameters: { Id: 'i-0abc' } });
    expect(missing.failureMessage).toMatch(/does not exist/);
    const broken: Step = { ...invoke, inputs: { FunctionName: 'gate', Payload: '{"InstanceId": {{ Id }}}' } };
    const bad = await runAutomation(doc([broken], params), { callApi: fakeApi({}).callApi, lambdas: { gate: async () => ({}) }, parameters: { Id: 'i-0abc' } });
    expect(bad.failureMessage).toMatch(/not valid JSON/);
  });
});

describe('Service/Api to SDK v3', () => {
  test('Compliance: maps Boto3 namespaces and API names to the SDK v3 command of the same name', () => {
    expect(commandFor('ec2', 'DescribeInstances')).toBe(DescribeInstancesCommand);
    expect(commandFor('autoscaling', 'StartInstanceRefresh')).toBe(StartInstanceRefreshCommand);
    expect(commandFor('config', 'GetResourceConfigHistory').name).toBe('GetResourceConfigHistoryCommand');
    expect(commandFor('cloudwatch', 'GetMetricStatistics').name).toBe('GetMetricStatisticsCommand');
  });

  test('Noncompliance 1: unmapped services and unknown APIs are errors', () => {
    expect(() => commandFor('s3', 'GetObject')).toThrow(UnsupportedApiError);
    expect(() => commandFor('ec2', 'DescribeNothing')).toThrow(/no API "DescribeNothing"/);
  });

  test('Compliance: responses become plain JSON (no $metadata, dates as ISO text)', () => {
    expect(plainResponse({ $metadata: { httpStatusCode: 200 }, When: new Date('2026-01-02T03:04:05Z'), Skip: undefined, List: [{ A: 1 }] })).toEqual({
      When: '2026-01-02T03:04:05.000Z',
      List: [{ A: 1 }],
    });
  });
});
