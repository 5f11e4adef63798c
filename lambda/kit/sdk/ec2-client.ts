// Loaded on first use only (see ../client-loaders.ts): the EC2 client and its ~550 KB of schemas.
export { EC2Client } from '@aws-sdk/client-ec2';
