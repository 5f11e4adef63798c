// The shared integration-test harness: moto, the recording front, SDK environment, Config events.
export { startMoto, MOTO_INSTALL_HINT, type MotoServer, type StartMotoOptions } from './moto';
export { startFront, type Front, type CallRecord, type AnsweredBy, type StartFrontOptions, type Intercept } from './front';
export { mulberry32, type FaultKind, type FaultOptions } from './faults';
export {
  DEFAULT_RULE_NAME,
  type ComplianceType,
  type ConfigStandIn,
  type PutEvaluationsRecord,
  type RecordedEvaluation,
  type SeedResult,
  type StoredResult,
  type HistoryItemInput,
  type RuleEvaluationStatusInput,
} from './config-stand-in';
export { type WarmPoolInstance, type AutoScalingStandIn } from './autoscaling-stand-in';
export { type AccountDefaults, type Ec2StandIn, type ModifyDefaultsRecord } from './ec2-stand-in';
export { motoClients, pool } from './moto-clients';
export { sdkEnv, withEnv, loadBundle, REPO_ROOT, DEFAULT_BUNDLE_DIR, type EnvVars, type LambdaBundle } from './env';
export * from './config-events';
export { runChild, runCli, cliEnv, CLI_BIN, memberCredentials, createOrganization, type ChildRun } from './cli-process';
