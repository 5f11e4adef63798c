import { instancePageSize } from '../../../lambda/rules/imdsv2-instance/fetch';
import { withEnv } from '../../integration/harness/env';

// The DescribeInstances page follows the function's memory, which Lambda gives in
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 200 below 256 MB (fits 128 MB, see bench/README.md), else 1,000.
describe('instancePageSize', () => {
  // Which memory sizes count as small is tested in test/kit/memory.test.ts.
  test.each([
    [undefined, 1000],
    ['128', 200],
    ['256', 1000],
    ['10240', 1000],
  ])('AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%p → %p', (memory, expected) => {
    expect(instancePageSize(memory === undefined ? {} : { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory })).toBe(expected);
  });

  test('reads process.env by default', () => {
    expect(withEnv({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' }, () => instancePageSize())).toBe(200);
    expect(withEnv({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: undefined }, () => instancePageSize())).toBe(1000);
  });
});
