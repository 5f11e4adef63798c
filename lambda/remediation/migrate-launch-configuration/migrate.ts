import { createHash } from 'node:crypto';
import {
  DeleteLaunchConfigurationCommand,
  DescribeLaunchConfigurationsCommand,
  paginateDescribeAutoScalingGroups,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingClient,
  type AutoScalingGroup,
  type LaunchConfiguration,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  paginateDescribeLaunchTemplateVersions,
  type EC2Client,
  type LaunchTemplate,
  type LaunchTemplateVersion,
  type RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { awsCallError, awsErrorName, ResourceNotFoundError, VerificationError } from '../common/errors';
import { launchConfigurationNameOf, launchTemplateDataFromLaunchConfiguration, launchTemplateName } from './launch-template-data';
import { samePrincipal, sameDataApartFromMetadata, metadataAtLeastAsStrict } from './trust';

/** Tag on the launch template naming the launch configuration it was made from: how re-runs find it. */
export const SOURCE_TAG = 'imdsv2-guard:source-launch-configuration';

export interface MigrationRequest {
  /** Name or ARN (AWS Config's resource id for this type is the ARN). */
  readonly launchConfiguration: string;
  /** 1–64 sets the hop limit; undefined keeps the launch configuration's. */
  readonly hopLimit?: number;
  /** The deployment's cap: a kept hop limit above it is lowered to it. @default 64 */
  readonly maxHopLimit?: number;
  readonly startInstanceRefresh: boolean;
  readonly minHealthyPercentage: number;
  readonly instanceWarmup: number;
  /** Delete the launch configuration once no group launches from it. Irreversible in accounts that can no longer create them. */
  readonly deleteLaunchConfiguration: boolean;
}

export interface RefreshOutcome {
  readonly AutoScalingGroupName: string;
  readonly InstanceRefreshId?: string;
  /** `Started`, or `AlreadyInProgress` when the group was refreshing already. */
  readonly Status: 'Started' | 'AlreadyInProgress';
}

export interface MigrationResult {
  readonly LaunchConfigurationName: string;
  readonly LaunchTemplateId: string;
  readonly LaunchTemplateName: string;
  /** The numbered version the groups launch from (never `$Default` or `$Latest`, which others could move). */
  readonly LaunchTemplateVersion: string;
  /** false on a re-run that found a template this migration made earlier, with the same data. */
  readonly LaunchTemplateCreated: boolean;
  /** Templates carrying the source tag that were NOT reused (made by someone else, or with other data). */
  readonly LaunchTemplatesIgnored: readonly string[];
  /** Groups moved from the launch configuration to the template by this run. */
  readonly GroupsUpdated: readonly string[];
  /** Groups that already launched from the template (an earlier run). */
  readonly GroupsAlreadyMigrated: readonly string[];
  readonly InstanceRefreshes: readonly RefreshOutcome[];
  readonly LaunchConfigurationDeleted: boolean;
}

export interface MigrationClients {
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  /** The caller's ARN (STS GetCallerIdentity): whose templates may be reused. Asked only when a tagged template exists. */
  readonly callerArn: () => Promise<string>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * A group launches from the launch configuration only if it has no launch template or mixed
 * instances policy: AWS clears LaunchConfigurationName when a group moves to a template (moto
 * keeps showing it, which this test also tolerates).
 */
function launchesFrom(group: AutoScalingGroup, launchConfigurationName: string): boolean {
  return group.LaunchConfigurationName === launchConfigurationName && !group.LaunchTemplate && !group.MixedInstancesPolicy;
}

function usesTemplate(group: AutoScalingGroup, launchTemplateId: string): boolean {
  return group.LaunchTemplate?.LaunchTemplateId === launchTemplateId;
}

async function describeLaunchConfiguration(autoscaling: AutoScalingClient, name: string): Promise<LaunchConfiguration | undefined> {
  try {
    const out = await autoscaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [name] }));
    return out.LaunchConfigurations?.find((lc) => lc.LaunchConfigurationName === name);
  } catch (e) {
    throw awsCallError(`DescribeLaunchConfigurations ${name}`, e);
  }
}

async function taggedTemplates(ec2: EC2Client, name: string): Promise<LaunchTemplate[]> {
  try {
    const out = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: `tag:${SOURCE_TAG}`, Values: [name] }] }));
    // Oldest first: if two were ever made, groups keep using the one made first.
    return [...(out.LaunchTemplates ?? [])].sort((a, b) => (a.CreateTime?.getTime() ?? 0) - (b.CreateTime?.getTime() ?? 0));
  } catch (e) {
    throw awsCallError(`DescribeLaunchTemplates tagged ${SOURCE_TAG}=${name}`, e);
  }
}

async function versionsOf(ec2: EC2Client, launchTemplateId: string): Promise<LaunchTemplateVersion[]> {
  const versions: LaunchTemplateVersion[] = [];
  try {
    for await (const page of paginateDescribeLaunchTemplateVersions({ client: ec2, pageSize: 200 }, { LaunchTemplateId: launchTemplateId })) {
      versions.push(...(page.LaunchTemplateVersions ?? []));
    }
  } catch (e) {
    throw awsCallError(`DescribeLaunchTemplateVersions ${launchTemplateId}`, e);
  }
  return versions;
}

interface ChosenTemplate {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

/**
 * A template tagged for this launch configuration that this migration may reuse: created by the
 * caller, with a version (also the caller's) whose data is exactly `data` apart from MetadataOptions,
 * which must be at least as strict. The newest such version is chosen. Every other tagged template
 * is listed in `ignored`: a look-alike planted by someone else is never launched by the groups.
 */
async function reusableTemplate(
  clients: MigrationClients,
  lcName: string,
  data: RequestLaunchTemplateData,
): Promise<{ chosen?: ChosenTemplate; ignored: string[] }> {
  const tagged = await taggedTemplates(clients.ec2, lcName);
  if (tagged.length === 0) return { ignored: [] };
  let caller: string;
  try {
    caller = await clients.callerArn();
  } catch (e) {
    throw awsCallError('GetCallerIdentity', e);
  }
  const ignored: string[] = [];
  let chosen: ChosenTemplate | undefined;
  for (const t of tagged) {
    if (!t.LaunchTemplateId) continue;
    if (!chosen && samePrincipal(t.CreatedBy, caller)) {
      const match = (await versionsOf(clients.ec2, t.LaunchTemplateId))
        .filter((v) => v.VersionNumber !== undefined && samePrincipal(v.CreatedBy, caller))
        .filter((v) => sameDataApartFromMetadata(data, v.LaunchTemplateData ?? {}))
        .filter((v) => metadataAtLeastAsStrict(data.MetadataOptions ?? {}, v.LaunchTemplateData?.MetadataOptions))
        .sort((a, b) => b.VersionNumber! - a.VersionNumber!)[0];
      if (match) {
        chosen = { id: t.LaunchTemplateId, name: t.LaunchTemplateName ?? t.LaunchTemplateId, version: match.VersionNumber! };
        continue;
      }
    }
    ignored.push(t.LaunchTemplateId);
  }
  return { chosen, ignored };
}

async function createTemplate(ec2: EC2Client, lc: LaunchConfiguration, data: RequestLaunchTemplateData, taken: boolean): Promise<ChosenTemplate> {
  const lcName = lc.LaunchConfigurationName!;
  const fingerprint = sha256(JSON.stringify(data));
  // `<lc>-imdsv2` unless a template we may not reuse holds that name; then the data's hash makes the name ours alone.
  const name = launchTemplateName(taken ? `${lcName}-${fingerprint.slice(0, 12)}` : lcName, sha256);
  try {
    const out = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        VersionDescription: `imdsv2-guard: migrated from launch configuration ${lcName}`.slice(0, 255),
        LaunchTemplateData: data,
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: SOURCE_TAG, Value: lcName }] }],
        // Same request, same template: a retried call does not make a second one.
        ClientToken: sha256(`${lc.LaunchConfigurationARN ?? lcName}\n${name}\n${fingerprint}`).slice(0, 64),
      }),
    );
    const t = out.LaunchTemplate;
    if (!t?.LaunchTemplateId) throw new VerificationError(`CreateLaunchTemplate ${name} returned no template id`);
    return { id: t.LaunchTemplateId, name: t.LaunchTemplateName ?? name, version: t.LatestVersionNumber ?? 1 };
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    if (/AlreadyExists/.test(awsErrorName(e))) {
      throw new VerificationError(
        `A launch template named ${name} exists that this migration did not make with the launch configuration's data; ` +
          'it is not reused. Delete or rename it, then run the migration again',
        { cause: e },
      );
    }
    throw awsCallError(`CreateLaunchTemplate ${name}`, e);
  }
}

async function listGroups(autoscaling: AutoScalingClient): Promise<AutoScalingGroup[]> {
  const groups: AutoScalingGroup[] = [];
  try {
    // No server-side filter selects groups by launch configuration: page through them all.
    for await (const page of paginateDescribeAutoScalingGroups({ client: autoscaling, pageSize: 100 }, {})) {
      groups.push(...(page.AutoScalingGroups ?? []));
    }
  } catch (e) {
    throw awsCallError('DescribeAutoScalingGroups', e);
  }
  return groups;
}

async function startRefresh(autoscaling: AutoScalingClient, group: string, req: MigrationRequest): Promise<RefreshOutcome> {
  try {
    const out = await autoscaling.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: group,
        Preferences: { MinHealthyPercentage: req.minHealthyPercentage, InstanceWarmup: req.instanceWarmup, SkipMatching: true },
      }),
    );
    return { AutoScalingGroupName: group, InstanceRefreshId: out.InstanceRefreshId, Status: 'Started' };
  } catch (e) {
    if (/InstanceRefreshInProgress/.test(awsErrorName(e))) return { AutoScalingGroupName: group, Status: 'AlreadyInProgress' };
    throw awsCallError(`StartInstanceRefresh ${group}`, e);
  }
}

/** Reads the chosen version back: it must hold exactly the translated data and require IMDSv2. */
async function verifyVersion(ec2: EC2Client, template: ChosenTemplate, data: RequestLaunchTemplateData): Promise<void> {
  let v: LaunchTemplateVersion | undefined;
  try {
    const out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: [String(template.version)] }));
    v = out.LaunchTemplateVersions?.[0];
  } catch (e) {
    throw awsCallError(`DescribeLaunchTemplateVersions ${template.id} v${template.version}`, e);
  }
  if (!v || !sameDataApartFromMetadata(data, v.LaunchTemplateData ?? {}) || !metadataAtLeastAsStrict(data.MetadataOptions ?? {}, v.LaunchTemplateData?.MetadataOptions)) {
    throw new VerificationError(`Launch template ${template.id} v${template.version} does not hold the launch configuration's data with IMDSv2 required; no group was moved`);
  }
}

/** The version a group launches from, when it is pinned to `template` (a numbered version, not $Default/$Latest). */
function pinnedTo(group: AutoScalingGroup, template: ChosenTemplate): boolean {
  return group.LaunchTemplate?.LaunchTemplateId === template.id && group.LaunchTemplate.Version === String(template.version);
}

/**
 * Moves every Auto Scaling group off a launch configuration onto a launch template that carries
 * all its settings with IMDSv2 required (CreateLaunchConfiguration is refused in many accounts,
 * so cloning into a new launch configuration is not the fix). Idempotent: a re-run reuses the
 * template it made (see trust.ts for what "it made" takes), skips groups already moved and treats a
 * running refresh as started. Groups are pinned to the template's numbered version: `$Default`
 * could be moved by whoever may call ModifyLaunchTemplate, changing what the groups launch.
 */
export async function migrateLaunchConfiguration(clients: MigrationClients, req: MigrationRequest): Promise<MigrationResult> {
  const lcName = launchConfigurationNameOf(req.launchConfiguration);
  const lc = await describeLaunchConfiguration(clients.autoscaling, lcName);
  if (!lc) {
    throw new ResourceNotFoundError(`Launch configuration ${lcName} does not exist: there is nothing to migrate (a template is only trusted against the launch configuration's own data)`);
  }
  const data = launchTemplateDataFromLaunchConfiguration(lc, { hopLimit: req.hopLimit, maxHopLimit: req.maxHopLimit });
  const { chosen, ignored } = await reusableTemplate(clients, lcName, data);
  const template = chosen ?? (await createTemplate(clients.ec2, lc, data, ignored.length > 0));
  const created = !chosen;
  await verifyVersion(clients.ec2, template, data);

  const groups = await listGroups(clients.autoscaling);
  const toMove = groups.filter((g) => launchesFrom(g, lcName)).map((g) => g.AutoScalingGroupName!);
  const already = groups.filter((g) => !launchesFrom(g, lcName) && usesTemplate(g, template.id)).map((g) => g.AutoScalingGroupName!);
  for (const group of toMove) {
    try {
      await clients.autoscaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: group,
          LaunchTemplate: { LaunchTemplateId: template.id, Version: String(template.version) },
        }),
      );
    } catch (e) {
      throw awsCallError(`UpdateAutoScalingGroup ${group} to launch template ${template.id} v${template.version}`, e);
    }
  }

  // Read back: no group may still launch from the launch configuration, and each moved one is pinned to our version.
  const after = await listGroups(clients.autoscaling);
  const stillUsing = after.filter((g) => launchesFrom(g, lcName)).map((g) => g.AutoScalingGroupName!);
  if (stillUsing.length > 0) {
    throw new VerificationError(`Groups still launch from launch configuration ${lcName} after the update: ${stillUsing.join(', ')}`);
  }
  const notPinned = after.filter((g) => toMove.includes(g.AutoScalingGroupName!) && !pinnedTo(g, template)).map((g) => g.AutoScalingGroupName!);
  if (notPinned.length > 0) {
    throw new VerificationError(`Groups do not launch from ${template.id} v${template.version} after the update: ${notPinned.join(', ')}`);
  }

  const refreshes: RefreshOutcome[] = [];
  if (req.startInstanceRefresh) {
    for (const group of [...new Set([...toMove, ...already])]) refreshes.push(await startRefresh(clients.autoscaling, group, req));
  }

  let deleted = false;
  if (req.deleteLaunchConfiguration) {
    try {
      await clients.autoscaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: lcName }));
      deleted = true;
    } catch (e) {
      // ResourceInUse: something (a group we cannot see, or one created meanwhile) still uses it.
      throw awsCallError(`DeleteLaunchConfiguration ${lcName}`, e);
    }
  }

  return {
    LaunchConfigurationName: lcName,
    LaunchTemplateId: template.id,
    LaunchTemplateName: template.name,
    LaunchTemplateVersion: String(template.version),
    LaunchTemplateCreated: created,
    LaunchTemplatesIgnored: ignored,
    GroupsUpdated: toMove,
    GroupsAlreadyMigrated: already,
    InstanceRefreshes: refreshes,
    LaunchConfigurationDeleted: deleted,
  };
}
