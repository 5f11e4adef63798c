import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BootstrapFreeSynthesizer } from './bootstrap-free-synthesizer';
import { ASSET_BUCKET_PREFIX_PATTERN } from './member-parameters';
import { assetBucketName, KEY_ROOT } from './package';

export const ORGANIZATION_ID_PATTERN = '^o-[a-z0-9]{10,32}$';

export interface Imdsv2GuardAssetBucketStackProps {
  /** The bucket is `<assetBucketPrefix>-<region>`, the name the member template computes. */
  readonly assetBucketPrefix: string;
  /** The region of this stack and its bucket. */
  readonly region: string;
  /**
   * The AWS Organizations id (`o-…`) whose principals may read the packages: the default of the
   * stack's `OrganizationId` parameter.
   */
  readonly organizationId: string;
  /**
   * The account to deploy to.
   * @default - the account of the credentials `cdk deploy` runs with
   */
  readonly account?: string;
  /**
   * How long a replaced or deleted package version is kept (stack instances still on an older
   * template read their old key, which is never overwritten; versions guard against deletion).
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * The principals that publish packages (`aws:PrincipalArn` patterns, e.g. the CI role's ARN): only
   * they may put or delete objects below imdsv2-guard/, so a published function zip cannot be
   * overwritten or removed by anyone else in the account.
   * @default every principal of this account (set the CI role to make the lock mean something)
   */
  readonly publisherPrincipalArns?: readonly string[];
}

/**
 * One region's package bucket for the organization-wide deployment: `<prefix>-<region>`, holding
 * what `npm run package:stackset -- --publish` uploads (the zips and the member template; functions
 * are pinned to the S3 version each zip got here, so versioning must stay on). Lambda reads function code only
 * from a bucket in the function's own region, so the StackSet needs one per target region, and a
 * CDK stack is single-region: the app adds one of these stacks per region. Deployed with the
 * caller's credentials, no CDK bootstrap needed.
 *
 * Principals of the organization may `s3:GetObject` under `imdsv2-guard/` (the StackSet execution
 * roles in member accounts create the functions with it); nothing else is granted, public access is
 * blocked (an `aws:PrincipalOrgID` condition with a fixed value keeps the policy non-public),
 * plain HTTP is refused, objects are versioned and encrypted at rest.
 */
export class Imdsv2GuardAssetBucketStack extends Stack {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: Imdsv2GuardAssetBucketStackProps) {
    super(scope, id, {
      env: { account: props.account, region: props.region },
      synthesizer: new BootstrapFreeSynthesizer('the management account needs no CDK bootstrap'),
      description: `imdsv2-guard: the organization-readable package bucket of ${props.region} for the StackSet`,
    });
    if (!new RegExp(ASSET_BUCKET_PREFIX_PATTERN).test(props.assetBucketPrefix)) {
      throw new Error(`assetBucketPrefix "${props.assetBucketPrefix}": 3-47 lowercase letters, digits and hyphens, starting with a letter or digit`);
    }
    if (!new RegExp(ORGANIZATION_ID_PATTERN).test(props.organizationId)) {
      throw new Error(`organizationId "${props.organizationId}": expected an AWS Organizations id such as o-a1b2c3d4e5`);
    }

    const organizationId = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      description: 'AWS Organizations id whose principals may read the packages (aws:PrincipalOrgID).',
      default: props.organizationId,
      allowedPattern: ORGANIZATION_ID_PATTERN,
      constraintDescription: 'an AWS Organizations id such as o-a1b2c3d4e5',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: assetBucketName(props.assetBucketPrefix, props.region),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireReplacedVersions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationReadsPackages',
        principals: [new AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${KEY_ROOT}/*`)],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId.valueAsString } },
      }),
    );
    const publishers = props.publisherPrincipalArns ?? [`arn:${this.partition}:iam::${this.account}:*`];
    if (publishers.length === 0 || publishers.some((p) => !Token.isUnresolved(p) && !/^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):/.test(p))) {
      throw new Error(`publisherPrincipalArns: expected IAM or STS principal ARN patterns, got ${JSON.stringify(publishers)}`);
    }
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        // Versioning keeps what was overwritten, but a Lambda created from the key would get the new
        // object: only the publisher may write or delete published packages.
        sid: 'OnlyPublisherWritesPackages',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects(`${KEY_ROOT}/*`)],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': publishers.length === 1 ? publishers[0] : [...publishers] } },
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds build output only (function zips and the member template, content-addressed and not secret), readable by the organization and writable by this account alone. Object reads can be audited with CloudTrail S3 data events; a log bucket in every region would double this stack for little gain.',
    });

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'npm run package:stackset -- --publish uploads the packages here' });
  }
}
