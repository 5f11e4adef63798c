import type { Finding } from '../../cli/scan/report';

/** A non-compliant instance finding; override what the test is about. */
export function finding(over: Partial<Finding> & Pick<Finding, 'id'>): Finding {
  return {
    accountId: '123456789012',
    display: over.id,
    kind: 'instance',
    resourceType: 'AWS::EC2::Instance',
    rule: 'imdsv2-instance',
    region: 'us-east-1',
    verdict: 'NON_COMPLIANT',
    annotation: 'Does not require IMDSv2: HttpTokens=optional. Fix: aws ec2 modify-instance-metadata-options --instance-id x --http-tokens required',
    ...over,
  };
}
