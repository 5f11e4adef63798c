// Loaded on first use only (see ../client-loaders.ts).
export { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
