#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ContextError } from '../lib/context-error';
import { configureApp } from '../lib/guard-app';
import { addGuardrailsFromContext } from '../lib/guardrails/guardrails-context';
import { addManagementFromContext } from '../lib/stackset/management-context';

// Environment-agnostic: synth needs no credentials and the template deploys to any account/region.
const app = new App();
try {
  // The detection stack, with the cdk-nag plugin registered for every stack in the app.
  configureApp(app);
  // The preventive guardrails (SCP + EC2 declarative policy), only with -c imdsv2-guard:guardrails=true.
  addGuardrailsFromContext(app);
  // The organization-wide deployment's package buckets and StackSet, only with -c imdsv2-guard:management=true.
  addManagementFromContext(app);
} catch (e) {
  if (!(e instanceof ContextError)) throw e;
  // A settings mistake, not a bug: the one line naming the key is the whole story. process.exit,
  // not exitCode, so the app's synth-on-exit does not run on a half-built app.
  console.error(e.message);
  process.exit(1);
}
