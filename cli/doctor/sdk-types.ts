// The SDK shapes judge.ts reads, in one place (type-only imports: nothing here loads a client).
export type {
  ConfigRule,
  ConfigRuleEvaluationStatus,
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  RecordingGroup,
  RemediationConfiguration,
} from '@aws-sdk/client-config-service';
export type { InstanceMetadataDefaultsResponse } from '@aws-sdk/client-ec2';
