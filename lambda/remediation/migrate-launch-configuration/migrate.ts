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
import { CreateLaunchTemplateCommand, DescribeLaunchTemplatesCommand, type EC2Client, type LaunchTemplate } from '@aws-sdk/client-ec2';
import { awsCallError, awsErrorName, ResourceNotFoundError, VerificationError } from '../common/errors';
import { launchConfigurationNameOf, launchTemplateDataFromLaunchConfiguration, launchTemplateName } from './launch-template-data';

/** Tag on the launch template naming the launch configuration it was made from: how re-runs find it. */
export const SOURCE_TAG = 'imdsv2-guard:source-launch-configuration';

export interface MigrationRequest {
  /** Name or ARN (AWS Config's resource id for this type is the ARN). */
  readonly launchConfiguration: string;
  /** 1–64 sets the hop limit; undefined keeps the launch configuration's. */
  readonly hopLimit?: number;
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
  /** false on a re-run that found the template made earlier. */
  readonly LaunchTemplateCreated: boolean;
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

async function findMigratedTemplate(ec2: EC2Client, name: string): Promise<LaunchTemplate | undefined> {
  try {
    const out = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: `tag:${SOURCE_TAG}`, Values: [name] }] }));
    // Oldest first: if two were ever made, groups keep using the one made first.
    return [...(out.LaunchTemplates ?? [])].sort((a, b) => (a.CreateTime?.getTime() ?? 0) - (b.CreateTime?.getTime() ?? 0))[0];
  } catch (e) {
    throw awsCallError(`DescribeLaunchTemplates tagged ${SOURCE_TAG}=${name}`, e);
  }
}

async function createTemplate(ec2: EC2Client, lc: LaunchConfiguration, req: MigrationRequest): Promise<{ id: string; name: string }> {
  const lcName = lc.LaunchConfigurationName!;
  const data = launchTemplateDataFromLaunchConfiguration(lc, { hopLimit: req.hopLimit });
  const name = launchTemplateName(lcName, sha256);
  try {
    const out = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        VersionDescription: `imdsv2-guard: migrated from launch configuration ${lcName}`.slice(0, 255),
        LaunchTemplateData: data,
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: SOURCE_TAG, Value: lcName }] }],
        // Same request, same template: a retried call does not make a second one.
        ClientToken: sha256(lc.LaunchConfigurationARN ?? lcName).slice(0, 64),
      }),
    );
    const t = out.LaunchTemplate;
    if (!t?.LaunchTemplateId) throw new VerificationError(`CreateLaunchTemplate ${name} returned no template id`);
    return { id: t.LaunchTemplateId, name: t.LaunchTemplateName ?? name };
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    if (/AlreadyExists/.test(awsErrorName(e))) {
      throw new VerificationError(
        `A launch template named ${name} exists but is not tagged ${SOURCE_TAG}=${lcName}; rename it or tag it if it is the migrated template`,
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

/**
 * Moves every Auto Scaling group off a launch configuration onto a launch template that carries
 * all its settings with IMDSv2 required (CreateLaunchConfiguration is refused in many accounts,
 * so cloning into a new launch configuration is not the fix). Idempotent: a re-run finds the
 * template by its source tag, skips groups already moved and treats a running refresh as started.
 * Groups point at the template's `$Default` version, so a later fix to the template (the
 * imdsv2-launch-template document) reaches them without another migration.
 */
export async function migrateLaunchConfiguration(clients: MigrationClients, req: MigrationRequest): Promise<MigrationResult> {
  const lcName = launchConfigurationNameOf(req.launchConfiguration);
  const lc = await describeLaunchConfiguration(clients.autoscaling, lcName);
  const existing = await findMigratedTemplate(clients.ec2, lcName);

  let template: { id: string; name: string };
  let created = false;
  if (existing?.LaunchTemplateId) {
    template = { id: existing.LaunchTemplateId, name: existing.LaunchTemplateName ?? existing.LaunchTemplateId };
  } else if (lc) {
    template = await createTemplate(clients.ec2, lc, req);
    created = true;
  } else {
    throw new ResourceNotFoundError(`Launch configuration ${lcName} does not exist and no launch template tagged ${SOURCE_TAG}=${lcName} was found`);
  }

  const groups = await listGroups(clients.autoscaling);
  const toMove = groups.filter((g) => launchesFrom(g, lcName)).map((g) => g.AutoScalingGroupName!);
  const already = groups.filter((g) => usesTemplate(g, template.id)).map((g) => g.AutoScalingGroupName!);
  for (const group of toMove) {
    try {
      await clients.autoscaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: group,
          LaunchTemplate: { LaunchTemplateId: template.id, Version: '$Default' },
        }),
      );
    } catch (e) {
      throw awsCallError(`UpdateAutoScalingGroup ${group} to launch template ${template.id}`, e);
    }
  }

  // Read back: no group may still launch from the launch configuration.
  const stillUsing = (await listGroups(clients.autoscaling)).filter((g) => launchesFrom(g, lcName)).map((g) => g.AutoScalingGroupName!);
  if (stillUsing.length > 0) {
    throw new VerificationError(`Groups still launch from launch configuration ${lcName} after the update: ${stillUsing.join(', ')}`);
  }

  const refreshes: RefreshOutcome[] = [];
  if (req.startInstanceRefresh) {
    for (const group of [...new Set([...toMove, ...already])]) refreshes.push(await startRefresh(clients.autoscaling, group, req));
  }

  let deleted = false;
  if (req.deleteLaunchConfiguration && lc) {
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
    LaunchTemplateCreated: created,
    GroupsUpdated: toMove,
    GroupsAlreadyMigrated: already.filter((g) => !toMove.includes(g)),
    InstanceRefreshes: refreshes,
    LaunchConfigurationDeleted: deleted,
  };
}
