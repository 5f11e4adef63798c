import {
  EvaluationsNotRecordedError,
  GuardError,
  InvalidParameterError,
  KitError,
  MalformedEventError,
  PutEvaluationsError,
  ResourceFetchError,
  WrongResourceTypeError,
} from '../../lambda/kit/errors';
import {
  AwsCallError,
  Imdsv1InUseError,
  InvalidInputError,
  NotMigratableError,
  RemediationError,
  ResourceNotFoundError,
  VerificationError,
} from '../../lambda/remediation/common/errors';

describe('kit errors', () => {
  const cause = new Error('underlying');

  test.each([
    [new MalformedEventError('bad event', { cause }), 'MalformedEventError', 'MalformedEvent', 'bad event'],
    [new InvalidParameterError('maxHopLimit', 'must be between 1 and 64', { cause }), 'InvalidParameterError', 'InvalidParameter', 'Rule parameter "maxHopLimit": must be between 1 and 64'],
    [new ResourceFetchError('DescribeInstances failed', { cause }), 'ResourceFetchError', 'ResourceFetch', 'DescribeInstances failed'],
    [new PutEvaluationsError('PutEvaluations failed', { cause }), 'PutEvaluationsError', 'PutEvaluations', 'PutEvaluations failed'],
    [
      new EvaluationsNotRecordedError([{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-1' }], { cause }),
      'EvaluationsNotRecordedError',
      'EvaluationsNotRecorded',
      'AWS Config did not record 1 evaluation(s): AWS::EC2::Instance i-1',
    ],
  ])('%s: name, code, message and cause', (error, name, code, message) => {
    expect(error).toBeInstanceOf(KitError);
    expect(error).toBeInstanceOf(GuardError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.cause).toBe(cause);
  });

  test('WrongResourceTypeError names both types and keeps them', () => {
    const e = new WrongResourceTypeError(['AWS::EC2::Instance'], 'AWS::S3::Bucket');
    expect(e.name).toBe('WrongResourceTypeError');
    expect(e.code).toBe('WrongResourceType');
    expect(e.message).toBe("This rule evaluates AWS::EC2::Instance but received AWS::S3::Bucket: check the rule's scope");
    expect(e.expected).toEqual(['AWS::EC2::Instance']);
    expect(e.received).toBe('AWS::S3::Bucket');
  });

  test('WrongResourceTypeError quotes at most 100 characters of a hostile type', () => {
    const received = `AWS::${'X'.repeat(10_000)}`;
    const e = new WrongResourceTypeError(['AWS::EC2::Instance'], received);
    expect(e.message).toBe(`This rule evaluates AWS::EC2::Instance but received ${received.slice(0, 100)}…: check the rule's scope`);
    expect(e.received).toBe(received);
  });

  test('EvaluationsNotRecordedError lists 20 resources and counts the rest', () => {
    const failed = Array.from({ length: 23 }, (_, i) => ({ resourceType: 'AWS::EC2::Instance', resourceId: `i-${i}` }));
    const e = new EvaluationsNotRecordedError(failed);
    expect(e.message).toMatch(/^AWS Config did not record 23 evaluation\(s\): AWS::EC2::Instance i-0, .*AWS::EC2::Instance i-19 and 3 more$/);
    expect(e.failed).toHaveLength(23);
  });

  // Remediation helpers share the neutral base, not the Config-specific one.
  test.each([
    [new InvalidInputError('LookbackDays must be an integer', { cause }), 'InvalidInputError', 'InvalidInput'],
    [new ResourceNotFoundError('gone', { cause }), 'ResourceNotFoundError', 'ResourceNotFound'],
    [new NotMigratableError('no equivalent', { cause }), 'NotMigratableError', 'NotMigratable'],
    [new VerificationError('not applied', { cause }), 'VerificationError', 'Verification'],
    [new AwsCallError('ec2.X failed', { cause }), 'AwsCallError', 'AwsCall'],
  ])('remediation %s: a GuardError with name, code and cause, not a KitError', (error, name, code) => {
    expect(error).toBeInstanceOf(RemediationError);
    expect(error).toBeInstanceOf(GuardError);
    expect(error).not.toBeInstanceOf(KitError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
  });

  test('Imdsv1InUseError keeps its name and the message the failed execution shows', () => {
    const e = new Imdsv1InUseError('i-0abc', 3, 14);
    expect(e).toBeInstanceOf(GuardError);
    expect(e).not.toBeInstanceOf(KitError);
    expect(e.name).toBe('Imdsv1InUseError');
    expect(e.message).toMatch(/^IMDSv1 calls seen: 3 in the last 14 days on i-0abc /);
  });
});
