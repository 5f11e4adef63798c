import { booleanParam, integerParam, stringParam } from '../../kit/parameters';

/** Parameters several rules share, defined once so every rule reads them the same way. */
export const maxHopLimitParam = (defaultValue?: number) =>
  integerParam({
    description:
      'Highest HttpPutResponseHopLimit allowed (1-64). A resource whose hop limit is above it is NON_COMPLIANT. 1 keeps the IMDS token on the host; 2 lets containers reach IMDS.',
    min: 1,
    max: 64,
    defaultValue,
  });

export const exemptionTagKeyParam = stringParam({
  description:
    'Tag key that exempts a resource until a date: value "YYYY-MM-DD" optionally followed by a reason (e.g. "2026-12-31 legacy agent, ticket SEC-42"). A future date gives NOT_APPLICABLE; an expired or unreadable date is NON_COMPLIANT.',
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u,
  patternHint: 'must be a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)',
});

export const acceptInheritedDefaultsParam = booleanParam({
  description:
    'When true, a launch source that does not set HttpTokens is COMPLIANT if its instances would still require IMDSv2 (AMI ImdsSupport v2.0, or the account default HttpTokens=required).',
  defaultValue: false,
});

export const maxExemptionDaysParam = integerParam({
  description:
    'Optional horizon for exemption tags, in days (1-999): a tag dated further ahead than this is treated as unreadable (no exemption, NON_COMPLIANT when the resource fails), so a tag cannot exempt a resource for a century.',
  min: 1,
  max: 999,
});
