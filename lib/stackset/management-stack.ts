import { Aws, CfnOutput, CfnStackSet, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BootstrapFreeSynthesizer } from './bootstrap-free-synthesizer';
import { ASSET_BUCKET_PREFIX, ASSET_BUCKET_PREFIX_PATTERN } from './member-parameters';
import type { MemberTemplate } from './member-template';
import { assetBucketName } from './package';

export type CallAs = 'SELF' | 'DELEGATED_ADMIN';
export type ConcurrencyMode = 'SOFT_FAILURE_TOLERANCE' | 'STRICT_FAILURE_TOLERANCE';
export type RegionConcurrency = 'PARALLEL' | 'SEQUENTIAL';

export const OU_ID_PATTERN = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const STACK_SET_NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

export interface Imdsv2GuardStackSetStackProps {
  /** The region the StackSet lives in (its "home"); its template is read from `<prefix>-<region>` there. */
  readonly region: string;
  /**
   * The management account, or the delegated administrator's with `callAs: 'DELEGATED_ADMIN'`.
   * @default - the account of the credentials `cdk deploy` runs with
   */
  readonly account?: string;
  /** The packaged member template (`MemberTemplate.fromPackage('dist/stackset')`). */
  readonly template: MemberTemplate;
  /** Prefix of the regional package buckets; passed to the template as `AssetBucketPrefix`. */
  readonly assetBucketPrefix: string;
  /** Organizational units (`ou-…`) or the root (`r-…`) to deploy to; accounts moved in later get the stack too. */
  readonly organizationalUnitIds: readonly string[];
  /** The regions to deploy to in every target account; each needs its package bucket. */
  readonly regions: readonly string[];
  /**
   * Member template parameter values for every stack instance (names as in the template, e.g.
   * `{ EnableLaunchConfigurationRule: 'No', InstanceMaxHopLimit: '2' }`); validated at synth.
   * @default - the template's defaults
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default 'imdsv2-guard' */
  readonly stackSetName?: string;
  /**
   * `SELF` from the management account; `DELEGATED_ADMIN` from an account registered as a
   * CloudFormation StackSets delegated administrator.
   * @default 'SELF'
   */
  readonly callAs?: CallAs;
  /**
   * Per region, the percentage of accounts whose stack operation may fail before the operation
   * stops in that region.
   * @default 10
   */
  readonly failureTolerancePercentage?: number;
  /**
   * The percentage of target accounts deployed at once.
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;
  /**
   * `SOFT_FAILURE_TOLERANCE` keeps `maxConcurrentPercentage` regardless of failures; the service
   * default, `STRICT_FAILURE_TOLERANCE`, caps concurrency at the failure tolerance plus one.
   * @default 'SOFT_FAILURE_TOLERANCE'
   */
  readonly concurrencyMode?: ConcurrencyMode;
  /** @default 'PARALLEL' (all regions at once) */
  readonly regionConcurrency?: RegionConcurrency;
  /**
   * Keep the stack's resources when an account leaves the target OUs (the stack instance is
   * deleted either way).
   * @default false: the rules are deleted from accounts that leave
   */
  readonly retainStacksOnAccountRemoval?: boolean;
}

/**
 * The management-side stack of the organization-wide deployment: a service-managed StackSet of the
 * member template with automatic deployment to the target OUs. Its template comes from the
 * StackSet region's package bucket (TemplateURL), the same upload that carries the function zips.
 */
export class Imdsv2GuardStackSetStack extends Stack {
  public readonly stackSet: CfnStackSet;
  public readonly templateUrl: string;

  constructor(scope: Construct, id: string, props: Imdsv2GuardStackSetStackProps) {
    super(scope, id, {
      env: { account: props.account, region: props.region },
      synthesizer: new BootstrapFreeSynthesizer('the management account needs no CDK bootstrap'),
      description: 'imdsv2-guard: service-managed StackSet deploying the AWS Config IMDSv2 rules to the organization',
    });
    const stackSetName = props.stackSetName ?? 'imdsv2-guard';
    check('stackSetName', [stackSetName], STACK_SET_NAME_PATTERN, 'letters, digits and hyphens, starting with a letter');
    check('assetBucketPrefix', [props.assetBucketPrefix], new RegExp(ASSET_BUCKET_PREFIX_PATTERN), '3-47 lowercase letters, digits and hyphens');
    check('organizationalUnitIds', props.organizationalUnitIds, OU_ID_PATTERN, 'ou-xxxx-xxxxxxxx or r-xxxx ids');
    check('regions', props.regions, REGION_PATTERN, 'region names such as eu-west-1');
    const failureTolerance = percentage('failureTolerancePercentage', props.failureTolerancePercentage ?? 10, 0);
    const maxConcurrent = percentage('maxConcurrentPercentage', props.maxConcurrentPercentage ?? 25, 1);

    const given = props.parameters ?? {};
    if (ASSET_BUCKET_PREFIX in given) throw new Error(`parameters: ${ASSET_BUCKET_PREFIX} is set from assetBucketPrefix`);
    const parameters = { [ASSET_BUCKET_PREFIX]: props.assetBucketPrefix, ...given };
    props.template.validate(parameters);
    // The StackSet region's bucket holds the template; every target region's holds the zips the template pins.
    props.template.checkPublished([...new Set([props.region, ...props.regions])]);

    this.templateUrl = `https://${assetBucketName(props.assetBucketPrefix, Aws.REGION)}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.template.key}`;
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName,
      description: 'imdsv2-guard: AWS Config custom rules that enforce EC2 IMDSv2',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false },
      capabilities: [...props.template.capabilities],
      templateUrl: this.templateUrl,
      parameters: Object.entries(parameters).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
      operationPreferences: {
        failureTolerancePercentage: failureTolerance,
        maxConcurrentPercentage: maxConcurrent,
        concurrencyMode: props.concurrencyMode ?? 'SOFT_FAILURE_TOLERANCE',
        regionConcurrencyType: props.regionConcurrency ?? 'PARALLEL',
      },
      // Queue operations that would otherwise be refused while another (e.g. an auto-deployment) runs.
      managedExecution: { Active: true },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
          regions: [...props.regions],
        },
      ],
    });

    new CfnOutput(this, 'StackSetName', { value: stackSetName });
    new CfnOutput(this, 'TemplateUrl', { value: this.templateUrl });
  }
}

function check(name: string, values: readonly string[], pattern: RegExp, expected: string): void {
  if (values.length === 0) throw new Error(`${name}: give at least one`);
  const bad = values.filter((v) => !pattern.test(v));
  if (bad.length > 0) throw new Error(`${name}: ${bad.map((v) => JSON.stringify(v)).join(', ')} not valid (expected ${expected})`);
  const duplicates = values.filter((v, i) => values.indexOf(v) !== i);
  if (duplicates.length > 0) throw new Error(`${name}: ${duplicates.join(', ')} listed twice`);
}

function percentage(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 100) throw new Error(`${name}: expected an integer from ${min} to 100, got ${value}`);
  return value;
}
