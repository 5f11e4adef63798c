import { ACTIONS, AutomationInputError, checkDocument, runAutomation, type ApiCaller, type AutomationDocument, type Step } from '../../cli/local/automation';

/**
 * The runner's table of actions: every action it supports is checked and run through its entry,
 * and a document naming any other action is refused before anything runs.
 */

const doc = (steps: Step[]): AutomationDocument => ({ schemaVersion: '0.3', parameters: {}, mainSteps: steps });

const api: ApiCaller = async (_service, _api, input) => ({ Value: 'done', Echo: input });

/** Per action: a step that passes its checks and runs, and steps its checks refuse (with the message). */
const CASES: Record<string, { good: Step; bad: ReadonlyArray<readonly [Step, RegExp]> }> = {
  'aws:executeAwsApi': {
    good: { name: 'S', action: 'aws:executeAwsApi', inputs: { Service: 'ec2', Api: 'Get' }, outputs: [{ Name: 'V', Selector: '$.Value' }] },
    bad: [[{ name: 'S', action: 'aws:executeAwsApi', inputs: { Api: 'Get' } }, /^S: Service and Api are required$/]],
  },
  'aws:assertAwsResourceProperty': {
    good: { name: 'S', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Value', DesiredValues: ['done'] } },
    bad: [
      [{ name: 'S', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Value', DesiredValues: [] } }, /^S: DesiredValues must be a non-empty list$/],
      [{ name: 'S', action: 'aws:assertAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', DesiredValues: ['x'] } }, /^S: PropertySelector is required$/],
    ],
  },
  'aws:waitForAwsResourceProperty': {
    good: { name: 'S', action: 'aws:waitForAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Value', DesiredValues: ['done'] } },
    bad: [
      [
        { name: 'S', action: 'aws:waitForAwsResourceProperty', inputs: { Service: 'ec2', Api: 'Get', PropertySelector: '$.Value', DesiredValues: ['done'] }, outputs: [{ Name: 'V', Selector: '$.Value' }] },
        /^S: aws:waitForAwsResourceProperty has no outputs$/,
      ],
    ],
  },
  'aws:branch': {
    good: { name: 'S', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'S', Variable: 'x', StringEquals: 'y' }] } },
    bad: [
      [{ name: 'S', action: 'aws:branch', inputs: { Choices: [] } }, /^S: aws:branch needs Choices$/],
      [{ name: 'S', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'Nowhere', Variable: 'x', StringEquals: 'y' }] } }, /^S: NextStep "Nowhere" is not a step$/],
      [{ name: 'S', action: 'aws:branch', inputs: { Choices: [{ NextStep: 'S', Variable: 'x', StringEquals: 'y', Contains: 'z' }] } }, /^S: a choice must have exactly one operator, has StringEquals, Contains$/],
    ],
  },
  'aws:invokeLambdaFunction': {
    good: { name: 'S', action: 'aws:invokeLambdaFunction', inputs: { FunctionName: 'fn', Payload: '{"a": 1}' } },
    bad: [
      [{ name: 'S', action: 'aws:invokeLambdaFunction', inputs: { FunctionName: 'fn', ClientContext: 'x' } }, /^S: inputs ClientContext are not supported by the runner$/],
      [{ name: 'S', action: 'aws:invokeLambdaFunction', inputs: { FunctionName: 'fn' }, outputs: [{ Name: 'V', Selector: '$.a' }] }, /^S: user-defined outputs on aws:invokeLambdaFunction are not supported$/],
    ],
  },
  'aws:sleep': {
    good: { name: 'S', action: 'aws:sleep', inputs: { Duration: 'PT1M' } },
    bad: [
      [{ name: 'S', action: 'aws:sleep', inputs: { Duration: '60' } }, /^S: aws:sleep needs a Duration such as PT1M$/],
      [{ name: 'S', action: 'aws:sleep', inputs: {} }, /^S: aws:sleep needs a Duration such as PT1M$/],
    ],
  },
};

// The branch's good case ends the execution once chosen, so it does not loop.
const runnable = (s: Step): Step => (s.action === 'aws:branch' ? { ...s, isEnd: true } : s);

test('Compliance: every action in the table has a case here, and every case names an action in the table', () => {
  expect(Object.keys(CASES).sort()).toEqual([...ACTIONS.keys()].sort());
});

describe.each([...ACTIONS.keys()])('%s', (name) => {
  test('Compliance: a well-formed step passes the checks and runs through its table entry', async () => {
    const entry = ACTIONS.get(name)!;
    const run = jest.spyOn(entry, 'run');
    try {
      const step = runnable(CASES[name].good);
      expect(checkDocument(doc([step]))).toEqual([]);
      const result = await runAutomation(doc([step]), { callApi: api, lambdas: { fn: async (e) => e } });
      expect(result).toMatchObject({ status: 'Success', path: ['S'] });
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      run.mockRestore();
    }
  });

  test('Noncompliance: its own checks refuse a bad input, before anything runs', async () => {
    for (const [step, message] of CASES[name].bad) {
      expect(ACTIONS.get(name)!.check(step, new Set(['S']))).toEqual([expect.stringMatching(message)]);
      expect(checkDocument(doc([step]))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
      const calls = jest.fn(api);
      await expect(runAutomation(doc([step]), { callApi: calls, lambdas: { fn: async () => ({}) } })).rejects.toThrow(AutomationInputError);
      expect(calls).not.toHaveBeenCalled();
    }
  });
});

test('Noncompliance: an action the table lacks is one clear problem at check time, and nothing runs', async () => {
  const step: Step = { name: 'Run', action: 'aws:runCommand', inputs: { DocumentName: 'AWS-RunShellScript' } };
  expect(checkDocument(doc([step]))).toEqual([`Run: action aws:runCommand is not supported by the runner (it supports ${[...ACTIONS.keys()].join(', ')})`]);
  const calls = jest.fn(api);
  await expect(runAutomation(doc([step]), { callApi: calls })).rejects.toThrow(/Run: action aws:runCommand is not supported by the runner/);
  expect(calls).not.toHaveBeenCalled();
});

test('Noncompliance: a name inherited by every object is not an action', () => {
  expect(checkDocument(doc([{ name: 'S', action: 'toString', inputs: {} }]))).toEqual([expect.stringMatching(/^S: action toString is not supported/)]);
});

test('Compliance: an aws:sleep Duration given by reference is checked when the step runs', async () => {
  const d: AutomationDocument = {
    schemaVersion: '0.3',
    parameters: { Wait: { type: 'String', default: 'soon' } },
    mainSteps: [{ name: 'S', action: 'aws:sleep', inputs: { Duration: '{{ Wait }}' } }],
  };
  expect(checkDocument(d)).toEqual([]);
  const result = await runAutomation(d, { callApi: api });
  expect(result).toMatchObject({ status: 'Failed', failureMessage: 'S: aws:sleep needs a Duration such as PT1M' });
});
