// What fetch.ts sends to EC2, loaded on first use only (like the EC2 client itself, kit/client-loaders.ts):
// a change event whose configuration item carries the metadata options needs neither.
export { DescribeInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
