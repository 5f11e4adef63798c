// The shared integration-test harness: a thin test-facing layer over the one local AWS
// (cli/local/aws: moto, the recording front and its stand-ins), plus what only tests need:
// startMoto that refuses to skip, the SDK environment, bundle loading and Config event builders.
export { startMoto, MOTO_INSTALL_HINT, type MotoServer, type StartMotoOptions } from './moto';
export {
  startFront,
  AggregatorStandIn,
  InstanceRefreshStandIn,
  classify,
  errorResponse,
  jsonResponse,
  httpRequest,
  readBody,
  freePort,
  sleep,
  mulberry32,
  DEFAULT_RULE_NAME,
  type Front,
  type CallRecord,
  type AnsweredBy,
  type StartFrontOptions,
  type Intercept,
  type AwsRequest,
  type FrontResponse,
  type FaultKind,
  type FaultOptions,
  type ComplianceType,
  type ConfigStandIn,
  type PutEvaluationsRecord,
  type RecordedEvaluation,
  type SeedResult,
  type StoredResult,
  type HistoryItemInput,
  type RuleEvaluationStatusInput,
  type WarmPoolInstance,
  type AutoScalingStandIn,
  type AccountDefaults,
  type Ec2StandIn,
  type ModifyDefaultsRecord,
  type SimpleResponse,
} from '../../../cli/local/aws';
export { motoClients, pool } from './moto-clients';
export { sdkEnv, withEnv, loadBundle, REPO_ROOT, DEFAULT_BUNDLE_DIR, type EnvVars, type LambdaBundle } from './env';
export * from '../../../cli/local/aws/config-events';
export { runChild, runCli, cliEnv, CLI_BIN, memberCredentials, createOrganization, type ChildRun } from './cli-process';
