import { GetResourceConfigHistoryCommand, type ConfigServiceClient, type ResourceType } from '@aws-sdk/client-config-service';
import type { ConfigurationItem } from './configuration-item';
import { fetchError } from './aws-errors';
import { ResourceFetchError } from './errors';
import type { ItemSummary } from './event';
import { parseConfigurationItem } from './event';

/**
 * An oversized change notification carries only a summary: read the item itself from the
 * configuration history (newest first, limit 1). The history returns `configuration` as a JSON
 * string; parseConfigurationItem parses and validates it like an event's item.
 */
export async function inflateOversizedItem(config: ConfigServiceClient, summary: ItemSummary): Promise<ConfigurationItem> {
  let items;
  try {
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: summary.resourceType as ResourceType,
        resourceId: summary.resourceId,
        limit: 1,
      }),
    );
    items = out.configurationItems ?? [];
  } catch (cause) {
    throw fetchError(`GetResourceConfigHistory for ${summary.resourceType} ${summary.resourceId}`, cause);
  }
  if (items.length === 0) {
    throw new ResourceFetchError(`GetResourceConfigHistory returned no item for ${summary.resourceType} ${summary.resourceId}`);
  }
  const it = items[0];
  return parseConfigurationItem(
    {
      resourceType: it.resourceType,
      resourceId: it.resourceId,
      resourceName: it.resourceName,
      configurationItemStatus: it.configurationItemStatus,
      configurationItemCaptureTime: it.configurationItemCaptureTime?.toISOString(),
      awsRegion: it.awsRegion,
      awsAccountId: it.accountId,
      ARN: it.arn,
      configuration: it.configuration,
      tags: it.tags,
    },
    'GetResourceConfigHistory item',
  );
}
