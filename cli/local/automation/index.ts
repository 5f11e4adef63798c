// A local SSM Automation runner (see runner.ts for what it models and what it does not). `npm run demo`
// runs the remediation documents with it against moto; the remediation tests use it too.
export * from './document';
export { select, parseSelector, SelectorSyntaxError } from './selector';
export { convert, asText, TypeConversionError } from './values';
export { interpolate, references, UnresolvedReferenceError } from './interpolate';
export { SdkApiCaller, commandFor, plainResponse, UnsupportedApiError, type ApiCaller, type SdkSettings } from './aws-api';
export { ACTIONS } from './actions';
export type { Action, ActionContext, StepOutcome } from './action';
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
