// The one local AWS: moto_server plus a front that answers what moto 5.2.1 lacks (README.md here).
// `npm run demo`, the integration tests (test/integration/harness re-exports it), the bench and the
// remediation tests with the local Automation runner all use this module.
export {
  startLocalMoto,
  MotoMissingError,
  MOTO_INSTALL_HINT,
  MOTO_MISSING,
  freePort,
  httpRequest,
  readBody,
  sleep,
  type MotoServer,
  type LocalMoto,
  type StartMotoOptions,
  type SimpleResponse,
} from './moto';
export { startFront, type Front, type CallRecord, type AnsweredBy, type StartFrontOptions, type Intercept } from './front';
export { classify, errorResponse, jsonResponse, xmlResponse, xmlEscape, requestId, type AwsRequest, type FrontResponse, type Protocol } from './protocol';
export { FaultPlan, faultResponse, mulberry32, type FaultKind, type FaultOptions } from './faults';
export {
  ConfigStandIn,
  DEFAULT_RULE_NAME,
  toApiConfigurationItem,
  type ComplianceType,
  type PutEvaluationsRecord,
  type RecordedEvaluation,
  type SeedResult,
  type StoredResult,
  type HistoryItemInput,
  type RuleEvaluationStatusInput,
} from './config-stand-in';
export { Ec2StandIn, type AccountDefaults, type ModifyDefaultsRecord } from './ec2-stand-in';
export { AutoScalingStandIn, type WarmPoolInstance } from './autoscaling-stand-in';
export { AggregatorStandIn } from './aggregator-stand-in';
export { InstanceRefreshStandIn, type RefreshRecord } from './instance-refresh';
export * from './config-events';
export { startMotoPager, type MotoPager } from './moto-pager';
