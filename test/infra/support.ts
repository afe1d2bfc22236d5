import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, projectContext } from '../../infra/app';
import type { FunctionName } from '../../infra/constructs/app-function';
import type { ZaloPayQrStack } from '../../infra/stack';

/** Template JSON, navigated freely by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON has no useful static type here.
export type Json = Record<string, any>;

/** A synthesized stack and what the assertions need to read it. */
export interface Synthesized {
  stack: ZaloPayQrStack;
  template: Template;
  /** The template as JSON. */
  json: Json;
  /** Findings cdk-nag's AwsSolutions pack did not see acknowledged. */
  nagViolations: string[];
  /** The logical ID of a function. */
  functionId(name: FunctionName): string;
  /** A resource's properties by logical ID. */
  properties(logicalId: string): Json;
  /** `value` with references spelled as construct paths: `<Orders/Table>.Arn`, `<AWS::Region>`. */
  resolve(value: unknown): string;
  /** Every permission of a role, one `action resource [if condition]` string each, sorted. */
  permissionsOf(roleLogicalId: string): string[];
  /** The logical ID of a function's role. */
  roleOf(name: FunctionName): string;
}

/**
 * Synthesizes the app as `cdk synth` would (cdk.json's context, then `context`), without bundling:
 * these tests read the template, test/infra/bundles.test.ts covers the bundles.
 */
export const synthesize = (context: Record<string, unknown> = {}): Synthesized => {
  const { app, stack } = buildApp({
    context: { ...projectContext(), ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const report = new AwsSolutionsChecks().validateScope(app);
  const nagViolations = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );

  const paths = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    if (node instanceof CfnResource) {
      const path = node.node.path.slice(stack.node.path.length + 1).replace(/\/(Resource|Default)$/, '');
      paths.set(stack.getLogicalId(node), path);
    }
  }
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Json;
    if (v.Ref) return `<${paths.get(v.Ref) ?? v.Ref}>`;
    if (v['Fn::GetAtt'])
      return `<${paths.get(v['Fn::GetAtt'][0]) ?? v['Fn::GetAtt'][0]}>.${v['Fn::GetAtt'][1]}`;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(resolve).join(v['Fn::Join'][0]);
    return JSON.stringify(value);
  };
  const properties = (logicalId: string): Json => {
    const resource = json.Resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId}`);
    return resource.Properties ?? {};
  };
  const functionId = (name: FunctionName): string => {
    const fn = stack.functions[name];
    if (!fn) throw new Error(`no ${name} function in the stack`);
    return stack.getLogicalId(fn.node.defaultChild as CfnResource);
  };
  const permissionsOf = (roleLogicalId: string): string[] =>
    Object.values(json.Resources as Record<string, Json>)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          r.Properties.Roles.some((role: Json) => role.Ref === roleLogicalId),
      )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
      .flatMap((s) => {
        expect(s.Effect).toBe('Allow');
        const condition = s.Condition ? ` if ${JSON.stringify(s.Condition)}` : '';
        return [s.Action]
          .flat()
          .flatMap((action: string) => [s.Resource].flat().map((r) => `${action} ${resolve(r)}${condition}`));
      })
      .sort();
  const roleOf = (name: FunctionName): string => properties(functionId(name)).Role['Fn::GetAtt'][0];
  return {
    stack,
    template,
    json,
    nagViolations,
    functionId,
    properties,
    resolve,
    permissionsOf,
    roleOf,
  };
};

/** The logical IDs of every resource of a type. */
export const idsOfType = (json: Json, type: string): string[] =>
  Object.entries(json.Resources as Record<string, Json>)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
