import { isSmallFunction, lambdaMemoryMB, SMALL_FUNCTION_MB } from '../../lambda/kit/memory';

describe('lambdaMemoryMB / isSmallFunction (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set by Lambda)', () => {
  test.each([
    [undefined, undefined, false],
    ['128', 128, true],
    ['255', 255, true],
    ['256', 256, false],
    ['10240', 10240, false],
    ['', undefined, false],
    ['0', undefined, false],
    ['-128', undefined, false],
    ['lots', undefined, false],
  ])('%p → %p MB, small: %p', (value, mb, small) => {
    const env = value === undefined ? {} : { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: value };
    expect(lambdaMemoryMB(env)).toBe(mb);
    expect(isSmallFunction(env)).toBe(small);
  });

  test('the threshold is 256 MB, the stack default', () => {
    expect(SMALL_FUNCTION_MB).toBe(256);
  });
});
