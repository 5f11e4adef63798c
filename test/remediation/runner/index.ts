// The local SSM Automation runner the remediation tests use (see runner.ts for what it models).
export * from './document';
export { select, parseSelector, SelectorSyntaxError } from './selector';
export { convert, asText, TypeConversionError } from './values';
export { interpolate, references, UnresolvedReferenceError } from './interpolate';
export { SdkApiCaller, commandFor, plainResponse, UnsupportedApiError, type ApiCaller, type SdkSettings } from './aws-api';
export {
  runAutomation,
  checkDocument,
  resolveParameters,
  AutomationInputError,
  type RunOptions,
  type RunResult,
  type StepRecord,
  type ApiCallRecord,
  type LambdaFunction,
  type StandIn,
} from './runner';
