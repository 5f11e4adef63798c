// The EC2 client and the instance read (DescribeInstances), reached only through `instanceSdk()`
// (ec2-on-first-use.ts), so the instance bundle evaluates them on its first EC2 call, not at load.
// Each name is imported from its own file in the package's ES build, not from the package index:
// esbuild wraps a module reached lazily in an init function, and a wrapped package index brings
// every command, paginator and waiter of EC2 with it (no tree-shaking through `export *` once
// wrapped). Types: ec2-deep-imports.d.ts; under jest these paths map to the package (jest.config.js).
export { EC2Client } from '@aws-sdk/client-ec2/dist-es/EC2Client';
export { DescribeInstancesCommand } from '@aws-sdk/client-ec2/dist-es/commands/DescribeInstancesCommand';
