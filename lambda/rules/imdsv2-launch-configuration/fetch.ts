import { paginateDescribeLaunchConfigurations, type LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import type { ConfigurationItem } from '../../kit/configuration-item';
import { KitError } from '../../kit/errors';
import type { RuleContext } from '../../kit/rule-module';
import { fetchError } from '../common/aws-reads';
import { normaliseMetadataOptions } from '../common/metadata-options';
import type { LaunchConfigurationSubject } from './subject';

/** DescribeLaunchConfigurations' largest page. */
const PAGE_SIZE = 100;

export function subjectFromLaunchConfiguration(lc: LaunchConfiguration): LaunchConfigurationSubject {
  return {
    launchConfigurationName: lc.LaunchConfigurationName ?? '',
    launchConfigurationArn: lc.LaunchConfigurationARN ?? '',
    metadataOptions: normaliseMetadataOptions(lc.MetadataOptions),
    imageId: lc.ImageId,
    instanceProfile: lc.IamInstanceProfile,
  };
}

/** Launch configurations are immutable: the configuration item holds everything the verdict needs. */
export async function launchConfigurationFromItem(item: ConfigurationItem): Promise<LaunchConfigurationSubject> {
  const c = item.configuration ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    launchConfigurationName: str(c.launchConfigurationName) ?? item.resourceName ?? item.resourceId,
    // Config's resourceId for this type is the ARN; evaluations must use it as given.
    launchConfigurationArn: item.resourceId,
    metadataOptions: normaliseMetadataOptions(c.metadataOptions),
    imageId: str(c.imageId),
    instanceProfile: str(c.iamInstanceProfile),
  };
}

/** Every launch configuration in the region, 100 a page. */
export async function* launchConfigurationPages(ctx: RuleContext<unknown>): AsyncGenerator<LaunchConfigurationSubject[]> {
  try {
    for await (const page of paginateDescribeLaunchConfigurations({ client: ctx.clients.autoscaling, pageSize: PAGE_SIZE }, {})) {
      yield (page.LaunchConfigurations ?? []).map(subjectFromLaunchConfiguration);
    }
  } catch (e) {
    if (e instanceof KitError) throw e;
    throw fetchError('DescribeLaunchConfigurations', e);
  }
}
