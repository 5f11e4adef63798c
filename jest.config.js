/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc` in `npm run build`; tests only transpile.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 60000,
  // lambda/kit/ec2-instance-sdk.ts imports single files of the SDK's ES build (for the bundle's lazy
  // load); under jest the same names come from the package's CommonJS build.
  moduleNameMapper: { '^@aws-sdk/client-ec2/dist-es/.+$': '@aws-sdk/client-ec2' },
};
