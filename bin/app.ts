#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { configureApp } from '../lib/guard-app';

// Environment-agnostic: synth needs no credentials and the template deploys to any account/region.
configureApp(new App());
