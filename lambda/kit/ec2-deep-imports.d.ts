// Types for the per-file imports of ec2-instance-sdk.ts: the package ships those files' types only
// under dist-types, so each path declares the same names as the package index.
declare module '@aws-sdk/client-ec2/dist-es/EC2Client' {
  export { EC2Client } from '@aws-sdk/client-ec2';
}
declare module '@aws-sdk/client-ec2/dist-es/commands/DescribeInstancesCommand' {
  export { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
}
