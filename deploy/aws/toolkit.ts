/**
 * The CDK toolkit library as stagekit's deploy engine for AWS. stagekit owns the conversation:
 * its IoHost turns stack events into progress lines and answers the toolkit's own approval
 * request (the prepared change set) by checking that CloudFormation will not destroy or replace
 * anything the template comparison did not already show and the user did not accept.
 */
import type { IIoHost, IoMessage, IoRequest, StackActivity } from '@aws-cdk/toolkit-lib';

export interface DestructiveChangeSummary {
  readonly logicalId: string;
  readonly resourceType?: string;
  /** WILL_DESTROY, WILL_REPLACE, WILL_ORPHAN (cloudformation-diff's ResourceImpact). */
  readonly impact: string;
}

export interface CdkDeployHandlers {
  onProgress(text: string): void;
  /** CloudFormation's prepared change set replaces, destroys or orphans these: true to execute it. */
  approveChangeSet(destructive: readonly DestructiveChangeSummary[]): Promise<boolean>;
}

export interface CdkDeployResult {
  readonly stackArn: string;
  readonly outputs: Readonly<Record<string, string>>;
  /** Resources CloudFormation failed to delete: no longer in the stack, still existing (and billed). */
  readonly deleteFailures: readonly { logicalId: string; resourceType: string; physicalId?: string }[];
}

export interface CdkDeployer {
  deploy(assemblyDir: string, stackName: string, handlers: CdkDeployHandlers): Promise<CdkDeployResult>;
}

/** Message codes from the toolkit's registry (https://docs.aws.amazon.com/cdk/api/toolkit-lib/message-registry/). */
const STACK_ACTIVITY = 'CDK_TOOLKIT_I5502';
const APPROVE_DEPLOY = 'CDK_TOOLKIT_I5060';

/** An IoHost that routes the toolkit's messages to stagekit's handlers; exported for tests. */
export function stagekitIoHost(handlers: CdkDeployHandlers, errors: string[]): IIoHost {
  return {
    async notify(msg: IoMessage<unknown>) {
      if (msg.code === STACK_ACTIVITY) {
        const activity = msg.data as StackActivity;
        const stackEvent = activity.event;
        handlers.onProgress(`${activity.progress.formatted} ${stackEvent.ResourceStatus ?? ''} ${stackEvent.ResourceType ?? ''} ${stackEvent.LogicalResourceId ?? ''}${stackEvent.ResourceStatusReason && /FAILED/.test(stackEvent.ResourceStatus ?? '') ? `: ${stackEvent.ResourceStatusReason}` : ''}`.trim());
      } else if (msg.level === 'error') {
        errors.push(msg.message);
      }
    },
    async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
      if (msg.code === APPROVE_DEPLOY) {
        const data = msg.data as { destructiveChanges?: { logicalId: string; resourceType?: string; impact: string }[] };
        const destructive = (data.destructiveChanges ?? []).map((d) => ({ logicalId: d.logicalId, resourceType: d.resourceType, impact: String(d.impact) }));
        return (await handlers.approveChangeSet(destructive)) as T;
      }
      return msg.defaultResponse;
    },
  };
}

export function toolkitDeployer(): CdkDeployer {
  return {
    async deploy(assemblyDir, stackName, handlers) {
      // Loaded on use: the toolkit library takes a second to load, and plan/dry-run never need it.
      const { Toolkit, StackSelectionStrategy } = require('@aws-cdk/toolkit-lib') as typeof import('@aws-cdk/toolkit-lib');
      const errors: string[] = [];
      const toolkit = new Toolkit({ ioHost: stagekitIoHost(handlers, errors), emojis: false, color: false });
      const cx = await toolkit.fromAssemblyDirectory(assemblyDir);
      try {
        const result = await toolkit.deploy(cx, {
          stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [stackName] },
          deploymentMethod: { method: 'change-set' },
        });
        const stack = result.stacks[0];
        return {
          stackArn: stack?.stackArn ?? '',
          outputs: stack?.outputs ?? {},
          deleteFailures: (stack?.deleteFailures ?? []).map((f) => ({ logicalId: f.logicalResourceId, resourceType: f.resourceType, physicalId: f.physicalResourceId })),
        };
      } catch (err) {
        if (errors.length > 0 && err instanceof Error) err.message = `${err.message}\n${errors.join('\n')}`;
        throw err;
      }
    },
  };
}
