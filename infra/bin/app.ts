import { buildApp } from '../app';

/** `cdk synth` / `cdk deploy` (cdk.json): the stack for the context given, a sandbox one by default. */
buildApp().app.synth();
