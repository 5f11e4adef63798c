/**
 * How much memory this function has, as Lambda tells it (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB), and
 * whether that makes it a small function. In a small function a sweep trades API calls and the size
 * of its return value for memory, so that 100,000 instances fit in 128 MB (`npm run bench`).
 */
type Env = Readonly<Record<string, string | undefined>>;

/** Functions with less memory than this are small. */
export const SMALL_FUNCTION_MB = 256;

/** The function's memory size in MB; undefined outside Lambda or when the variable is not a positive number. */
export function lambdaMemoryMB(env: Env = process.env): number | undefined {
  const mb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(mb) && mb > 0 ? mb : undefined;
}

/** True in a Lambda function with less than SMALL_FUNCTION_MB; false outside Lambda (the scan CLI). */
export function isSmallFunction(env: Env = process.env): boolean {
  const mb = lambdaMemoryMB(env);
  return mb !== undefined && mb < SMALL_FUNCTION_MB;
}
