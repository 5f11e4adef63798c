import type { BlockDeviceMapping, LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import type {
  LaunchTemplateBlockDeviceMappingRequest,
  LaunchTemplateInstanceMetadataOptionsRequest,
  RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { NotMigratableError } from '../common/errors';

export interface MappingOptions {
  /** 1–64 sets the hop limit; undefined keeps the launch configuration's (or leaves it unset). */
  readonly hopLimit?: number;
  /** The deployment's cap: a kept hop limit above it is lowered to it. @default 64 */
  readonly maxHopLimit?: number;
}

const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

const text = (v: string | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function blockDevice(b: BlockDeviceMapping): LaunchTemplateBlockDeviceMappingRequest {
  const out: LaunchTemplateBlockDeviceMappingRequest = { DeviceName: b.DeviceName };
  // NoDevice is a boolean on a launch configuration and an empty string on a launch template.
  if (b.NoDevice === true) return { ...out, NoDevice: '' };
  // An instance store volume: DescribeLaunchConfigurations may still show an empty Ebs beside it.
  if (text(b.VirtualName)) return { ...out, VirtualName: b.VirtualName };
  if (b.Ebs) {
    const e = b.Ebs;
    const ebs: NonNullable<LaunchTemplateBlockDeviceMappingRequest['Ebs']> = {};
    if (text(e.SnapshotId)) ebs.SnapshotId = e.SnapshotId;
    if (e.VolumeSize !== undefined) ebs.VolumeSize = e.VolumeSize;
    if (text(e.VolumeType)) ebs.VolumeType = e.VolumeType as NonNullable<typeof ebs.VolumeType>;
    if (e.DeleteOnTermination !== undefined) ebs.DeleteOnTermination = e.DeleteOnTermination;
    if (e.Iops !== undefined) ebs.Iops = e.Iops;
    if (e.Encrypted !== undefined) ebs.Encrypted = e.Encrypted;
    if (e.Throughput !== undefined) ebs.Throughput = e.Throughput;
    out.Ebs = ebs;
  }
  return out;
}

function metadataOptions(lc: LaunchConfiguration, o: MappingOptions): LaunchTemplateInstanceMetadataOptionsRequest {
  const m = lc.MetadataOptions ?? {};
  const options: LaunchTemplateInstanceMetadataOptionsRequest = { HttpTokens: 'required' };
  const hop = o.hopLimit ?? m.HttpPutResponseHopLimit;
  if (hop !== undefined) options.HttpPutResponseHopLimit = Math.min(hop, o.maxHopLimit ?? 64);
  // Kept as it was: a disabled endpoint stays disabled, an unset one stays unset.
  if (m.HttpEndpoint) options.HttpEndpoint = m.HttpEndpoint;
  return options;
}

/**
 * Launch template data that launches what the launch configuration launched, with IMDSv2 required.
 * Pure and total over what DescribeLaunchConfigurations returns; settings with no faithful
 * equivalent raise NotMigratableError rather than being dropped silently.
 *
 * - Security groups: ids go to SecurityGroupIds; names (only valid in a default VPC, or EC2-Classic)
 *   go to SecurityGroups, which launch templates accept for the same cases. A mix, or names with a
 *   public IP setting (the network interface takes ids only), cannot be expressed.
 * - UserData: DescribeLaunchConfigurations returns it base64-encoded, which is what a launch
 *   template takes, so it is copied verbatim (never encoded twice).
 * - InstanceMonitoring: absent means detailed monitoring on a launch configuration (its default is
 *   true) but off on a launch template, so absent maps to Monitoring.Enabled=true.
 * - AssociatePublicIpAddress: only a network interface can carry it, and a template cannot have
 *   security groups both at the top level and on an interface, so they move to interface 0.
 * - ClassicLink settings: EC2-Classic is retired; a launch configuration still naming a ClassicLink
 *   VPC cannot launch anywhere and is refused.
 */
export function launchTemplateDataFromLaunchConfiguration(lc: LaunchConfiguration, o: MappingOptions = {}): RequestLaunchTemplateData {
  const name = lc.LaunchConfigurationName ?? '(unnamed)';
  if (!text(lc.ImageId)) throw new NotMigratableError(`Launch configuration ${name} has no ImageId`);
  if (text(lc.ClassicLinkVPCId) || (lc.ClassicLinkVPCSecurityGroups ?? []).length > 0) {
    throw new NotMigratableError(`Launch configuration ${name} uses ClassicLink (EC2-Classic), which launch templates cannot express`);
  }
  const data: RequestLaunchTemplateData = { ImageId: lc.ImageId };
  if (text(lc.InstanceType)) data.InstanceType = lc.InstanceType as NonNullable<RequestLaunchTemplateData['InstanceType']>;
  if (text(lc.KeyName)) data.KeyName = lc.KeyName;
  if (text(lc.UserData)) data.UserData = lc.UserData;
  if (text(lc.KernelId)) data.KernelId = lc.KernelId;
  if (text(lc.RamdiskId)) data.RamDiskId = lc.RamdiskId;
  if (lc.EbsOptimized !== undefined) data.EbsOptimized = lc.EbsOptimized;
  data.Monitoring = { Enabled: lc.InstanceMonitoring?.Enabled ?? true };

  if (text(lc.IamInstanceProfile)) {
    data.IamInstanceProfile = lc.IamInstanceProfile!.startsWith('arn:') ? { Arn: lc.IamInstanceProfile } : { Name: lc.IamInstanceProfile };
  }
  if (text(lc.SpotPrice)) {
    data.InstanceMarketOptions = { MarketType: 'spot', SpotOptions: { MaxPrice: lc.SpotPrice } };
  }
  if (text(lc.PlacementTenancy)) {
    data.Placement = { Tenancy: lc.PlacementTenancy as NonNullable<NonNullable<RequestLaunchTemplateData['Placement']>['Tenancy']> };
  }
  const devices = lc.BlockDeviceMappings ?? [];
  if (devices.length > 0) data.BlockDeviceMappings = devices.map(blockDevice);

  const groups = (lc.SecurityGroups ?? []).filter((g) => g !== '');
  const ids = groups.filter((g) => SECURITY_GROUP_ID.test(g));
  const names = groups.filter((g) => !SECURITY_GROUP_ID.test(g));
  if (ids.length > 0 && names.length > 0) {
    throw new NotMigratableError(`Launch configuration ${name} mixes security group ids and names (${names.join(', ')}); use ids only`);
  }
  if (lc.AssociatePublicIpAddress !== undefined) {
    if (names.length > 0) {
      throw new NotMigratableError(
        `Launch configuration ${name} sets AssociatePublicIpAddress with security group names (${names.join(', ')}); a network interface takes ids only`,
      );
    }
    data.NetworkInterfaces = [
      {
        DeviceIndex: 0,
        AssociatePublicIpAddress: lc.AssociatePublicIpAddress,
        DeleteOnTermination: true,
        ...(ids.length > 0 ? { Groups: ids } : {}),
      },
    ];
  } else if (ids.length > 0) {
    data.SecurityGroupIds = ids;
  } else if (names.length > 0) {
    data.SecurityGroups = names;
  }

  data.MetadataOptions = metadataOptions(lc, o);
  return data;
}

/** Launch template names allow letters, digits and ( ) . - / _ up to 128 characters. */
const LT_NAME_CHARS = /[^A-Za-z0-9().\-/_]/g;
const LT_NAME_MAX = 128;
const SUFFIX = '-imdsv2';

/**
 * The launch template's name: `<launch configuration name>-imdsv2`, made valid (launch
 * configuration names allow almost any character and 255 of them). When the name had to be
 * changed, a short hash of the original keeps two different names from colliding. Re-runs find
 * the template by its source tag, not by this name.
 */
export function launchTemplateName(launchConfigurationName: string, hash: (s: string) => string): string {
  const cleaned = launchConfigurationName.replace(LT_NAME_CHARS, '-');
  const plain = `${cleaned}${SUFFIX}`;
  if (cleaned === launchConfigurationName && plain.length <= LT_NAME_MAX && cleaned.length > 0) return plain;
  const tag = `-${hash(launchConfigurationName).slice(0, 8)}`;
  return `${cleaned.slice(0, LT_NAME_MAX - SUFFIX.length - tag.length)}${tag}${SUFFIX}`;
}

/** `arn:…:launchConfiguration:<uuid>:launchConfigurationName/<name>` → name; a plain name is returned as is. */
export function launchConfigurationNameOf(nameOrArn: string): string {
  const m = /^arn:[^:]+:autoscaling:[^:]*:\d{12}:launchConfiguration:[^:]+:launchConfigurationName\/(.+)$/s.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}
