import {
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  type ISynthesisSession,
  StackSynthesizer,
} from 'aws-cdk-lib';

/**
 * Synthesizes a stack into a plain CloudFormation template that depends on nothing `cdk bootstrap`
 * creates: no `BootstrapVersion` parameter or `CheckBootstrapVersion` rule, no asset bucket or
 * repository, no deploy or execution role (`cdk deploy` uses the caller's credentials). Any attempt
 * to add an asset fails synth, so a construct that would quietly upload code to a
 * `cdk-…-assets-…` bucket cannot slip into the template.
 *
 * Used for the StackSet member template (deployed by StackSets into accounts that were never
 * bootstrapped) and for the management-side stacks (so the management account needs no bootstrap
 * either). Such templates must stay under CloudFormation's 51,200-byte inline limit to be deployed
 * with `cdk deploy`, which has no staging bucket to upload larger ones to.
 */
export class BootstrapFreeSynthesizer extends StackSynthesizer {
  /**
   * @param why completes the error message when an asset is added: why this stack cannot have one.
   */
  constructor(private readonly why = 'it must deploy without CDK bootstrap resources') {
    super();
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    const what = asset.fileName ?? asset.executable?.join(' ') ?? asset.sourceHash;
    throw new Error(
      `${this.boundStack.node.path}: cannot add the file asset ${what}: ${this.why}. ` +
        'Give the construct code that is already uploaded (e.g. lambda.Code.fromBucket).',
    );
  }

  public addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.boundStack.node.path}: cannot add the Docker image asset ${asset.directoryName ?? asset.sourceHash}: ${this.why}.`);
  }

  public synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }
}
