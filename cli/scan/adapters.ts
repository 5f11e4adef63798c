import type { ResourceRule } from '../../lambda/kit/rule-module';
import type { MetadataOptions } from '../../lambda/rules/common/metadata-options';
import { rule as autoScalingGroupRule } from '../../lambda/rules/imdsv2-auto-scaling-group/handler';
import type { AutoScalingGroupSubject } from '../../lambda/rules/imdsv2-auto-scaling-group/subject';
import { rule as instanceRule } from '../../lambda/rules/imdsv2-instance/handler';
import type { InstanceSubject } from '../../lambda/rules/imdsv2-instance/subject';
import { rule as launchConfigurationRule } from '../../lambda/rules/imdsv2-launch-configuration/handler';
import type { LaunchConfigurationSubject } from '../../lambda/rules/imdsv2-launch-configuration/subject';
import { rule as launchTemplateRule } from '../../lambda/rules/imdsv2-launch-template/handler';
import type { LaunchTemplateSubject } from '../../lambda/rules/imdsv2-launch-template/subject';
import type { ScanParameters } from './args';
import type { ResourceKind } from './report';

/**
 * What the report shows besides the verdict, read from the subject the rule's own fetch built.
 * Nothing here judges compliance: verdicts come only from `rule.evaluate`.
 */
export interface Facts {
  readonly name?: string;
  readonly display: string;
  readonly hopLimit?: number;
  readonly instanceProfile?: boolean;
  readonly owner?: string;
  /** Auto Scaling groups: their instances, whose profiles stand for the group's (resolved by the scanner). */
  readonly memberInstanceIds?: readonly string[];
}

export interface ResourceAdapter<P, S> {
  readonly kind: ResourceKind;
  readonly rule: ResourceRule<P, S>;
  readonly params: (all: ScanParameters) => P;
  readonly facts: (subject: S, ownerTag: string) => Facts;
}

function tag(tags: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  const v = tags && Object.prototype.hasOwnProperty.call(tags, key) ? tags[key] : undefined;
  return v === undefined || v.trim() === '' ? undefined : v;
}

function highest(options: ReadonlyArray<MetadataOptions | undefined>): number | undefined {
  const hops = options.map((o) => o?.hopLimit).filter((h): h is number => typeof h === 'number');
  return hops.length > 0 ? Math.max(...hops) : undefined;
}

const instance: ResourceAdapter<ScanParameters['instance'], InstanceSubject> = {
  kind: 'instance',
  rule: instanceRule,
  params: (p) => p.instance,
  facts: (s, ownerTag) => ({
    name: tag(s.tags, 'Name'),
    display: s.instanceId,
    hopLimit: s.metadataOptions?.hopLimit,
    instanceProfile: s.instanceProfile !== undefined && s.instanceProfile !== '',
    owner: tag(s.tags, ownerTag),
  }),
};

const launchTemplate: ResourceAdapter<ScanParameters['launchTemplate'], LaunchTemplateSubject> = {
  kind: 'launch-template',
  rule: launchTemplateRule,
  params: (p) => p.launchTemplate,
  facts: (s, ownerTag) => ({
    name: s.launchTemplateName,
    display: s.launchTemplateId,
    hopLimit: highest([s.defaultVersion.metadataOptions, s.latestVersion.metadataOptions]),
    instanceProfile: [s.defaultVersion, s.latestVersion].some((v) => !!v.instanceProfile),
    owner: tag(s.tags, ownerTag),
  }),
};

const launchConfiguration: ResourceAdapter<ScanParameters['launchConfiguration'], LaunchConfigurationSubject> = {
  kind: 'launch-configuration',
  rule: launchConfigurationRule,
  params: (p) => p.launchConfiguration,
  facts: (s) => ({
    name: s.launchConfigurationName,
    display: s.launchConfigurationName || s.launchConfigurationArn,
    hopLimit: s.metadataOptions?.hopLimit,
    instanceProfile: !!s.instanceProfile,
    // Launch configurations cannot carry tags: no owner to read.
    owner: undefined,
  }),
};

const autoScalingGroup: ResourceAdapter<ScanParameters['autoScalingGroup'], AutoScalingGroupSubject> = {
  kind: 'auto-scaling-group',
  rule: autoScalingGroupRule,
  params: (p) => p.autoScalingGroup,
  facts: (s, ownerTag) => ({
    name: s.autoScalingGroupName,
    display: s.autoScalingGroupName || s.autoScalingGroupArn,
    hopLimit: highest(s.sources.map((x) => x.metadataOptions)),
    owner: tag(s.tags, ownerTag),
    memberInstanceIds: s.instances.map((i) => i.instanceId).filter(Boolean),
  }),
};

/** The four resource rules in report order; the account rule is handled on its own (one subject per region). */
// `any` erases each adapter's own parameter and subject types, which only its own rule sees.
export const RESOURCE_ADAPTERS: ReadonlyArray<ResourceAdapter<any, any>> = [instance, launchTemplate, launchConfiguration, autoScalingGroup];
