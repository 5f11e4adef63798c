import { ACTION_KEY, AccessError, ScanAbort, UsageError, classifyError, toScanAbort } from '../../cli/scan/errors';
import { ResourceFetchError } from '../../lambda/kit/errors';

function sdkError(name: string, message: string, action?: string): Error {
  const e = new Error(message);
  e.name = name;
  if (action) Object.defineProperty(e, ACTION_KEY, { value: action });
  return e;
}

describe('access errors', () => {
  test('A refused call inside a rule fetch names the action and region', () => {
    const wrapped = new ResourceFetchError('DescribeInstances failed: UnauthorizedOperation: nope', {
      cause: sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 'ec2:DescribeInstances'),
    });
    const abort = toScanAbort(wrapped, 'eu-west-1');
    expect(abort).toBeInstanceOf(AccessError);
    expect(abort.message).toMatch(/^access denied for ec2:DescribeInstances in eu-west-1: UnauthorizedOperation: You are not authorized/);
    expect(abort.message).toMatch(/Grant ec2:DescribeInstances/);
  });

  test('Without the tag, the action comes from the kit\'s message', () => {
    const wrapped = new ResourceFetchError('DescribeAutoScalingGroups failed: AccessDenied: no', { cause: sdkError('AccessDenied', 'no') });
    expect(toScanAbort(wrapped, 'us-east-1').message).toMatch(/^access denied for DescribeAutoScalingGroups in us-east-1/);
  });

  test('Expired, missing credentials and a missing region', () => {
    expect(classifyError(sdkError('ExpiredToken', 'expired'))).toBe('bad-credentials');
    expect(toScanAbort(sdkError('ExpiredTokenException', 'The security token included in the request is expired', 'sts:GetCallerIdentity')).message).toMatch(
      /^credentials were refused calling sts:GetCallerIdentity/,
    );
    const none = toScanAbort(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));
    expect(none).toBeInstanceOf(AccessError);
    expect(none.message).toMatch(/^no AWS credentials found/);
    expect(toScanAbort(new Error('Region is missing'))).toBeInstanceOf(UsageError);
  });

  test('Other AWS failures keep their words; bugs keep their stack', () => {
    const other = toScanAbort(sdkError('InternalError', 'boom', 'ec2:DescribeInstances'), 'us-east-1');
    expect(other).toBeInstanceOf(ScanAbort);
    expect(other).not.toBeInstanceOf(AccessError);
    expect(other.message).toBe('ec2:DescribeInstances failed in us-east-1: InternalError: boom');
    expect(toScanAbort(new TypeError('x is undefined')).message).toMatch(/^unexpected error: TypeError: x is undefined/);
  });
});
