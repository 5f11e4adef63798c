import { Template } from 'aws-cdk-lib/assertions';
import { configureApp } from '../../lib/guard-app';
import { normaliseAssetHashes, testApp } from './support';

test('the stack `cdk synth` builds from the cdk.json defaults (asset hashes normalised)', () => {
  const template = Template.fromStack(configureApp(testApp())).toJSON();
  expect(normaliseAssetHashes(template)).toMatchSnapshot();
});
