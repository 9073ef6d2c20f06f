/**
 * The AWS calls a deploy makes before handing over to the CDK toolkit: who am I, is the account
 * bootstrapped, what is deployed. Tests replace this boundary with recorded responses.
 */
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { flattenNestedStacks, nestedStackIds, NESTED_ID_SEPARATOR } from '../../core/nested-stacks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { EXIT, StopError } from '../exit-codes';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export interface StackSummary {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface AwsApi {
  /** Fails with a preflight StopError saying which credentials are missing and how to provide them. */
  callerIdentity(): Promise<CallerIdentity>;
  /** undefined when the stack does not exist. */
  describeStack(name: string): Promise<StackSummary | undefined>;
  /**
   * The template CloudFormation last deployed (TemplateStage Original), parsed, with the resources of its
   * nested stacks (shard groups) as `<nested stack>/<logical ID>` (core/nested-stacks.ts).
   */
  deployedTemplate(name: string): Promise<any>;
}

/** Keeps preflight fast: a missing network or a black-holed endpoint fails in seconds, not minutes. */
const FAST_FAIL = { maxAttempts: 2, requestHandler: { connectionTimeout: 3000, requestTimeout: 8000 } };

export function sdkAwsApi(region: string): AwsApi {
  // stagekit runs on Node 20 by design (package.json engines); the SDK's notice that its releases after
  // January 2027 need Node 22 is not actionable in a deploy and would bury the preflight messages.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sts = new STSClient({ region, ...FAST_FAIL });
  const cfn = new CloudFormationClient({ region, ...FAST_FAIL });
  return {
    async callerIdentity() {
      try {
        const id = await sts.send(new GetCallerIdentityCommand({}));
        return { account: id.Account ?? '', arn: id.Arn ?? '' };
      } catch (err) {
        throw credentialsError(err, region);
      }
    },
    async describeStack(name) {
      try {
        const out = await cfn.send(new DescribeStacksCommand({ StackName: name }));
        const stack = out.Stacks?.[0];
        if (!stack) return undefined;
        return {
          name: stack.StackName ?? name,
          arn: stack.StackId ?? '',
          status: stack.StackStatus ?? 'UNKNOWN',
          tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
        };
      } catch (err) {
        if (isMissingStack(err)) return undefined;
        throw apiError(err, `cloudformation:DescribeStacks ${name}`, region);
      }
    },
    async deployedTemplate(name) {
      const templateOf = async (stack: string) => {
        try {
          const out = await cfn.send(new GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }));
          return parseTemplateBody(out.TemplateBody ?? '{}');
        } catch (err) {
          throw apiError(err, `cloudformation:GetTemplate ${stack}`, region);
        }
      };
      // A nested stack's template is its own stack's: found through the parent's resource (its physical ID is the stack's ARN).
      const nested: Record<string, any> = {};
      const readNested = async (stack: string, template: any, prefix: string) => {
        for (const id of nestedStackIds(template)) {
          let physicalId: string | undefined;
          try {
            const out = await cfn.send(new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: id }));
            physicalId = out.StackResourceDetail?.PhysicalResourceId;
          } catch (err) {
            if (isMissingStack(err)) continue; // declared, not created yet
            throw apiError(err, `cloudformation:DescribeStackResource ${stack} ${id}`, region);
          }
          if (!physicalId) continue;
          const child = await templateOf(physicalId);
          nested[prefix + id] = child;
          await readNested(physicalId, child, prefix + id + NESTED_ID_SEPARATOR);
        }
      };
      const template = await templateOf(name);
      await readNested(name, template, '');
      return flattenNestedStacks(template, nested);
    },
  };
}

/** GetTemplate returns what was submitted: JSON for CDK stacks, YAML for hand-written ones. */
export function parseTemplateBody(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('yaml').parse(body);
  }
}

function isMissingStack(err: any): boolean {
  return err?.name === 'ValidationError' && /does not exist/i.test(String(err?.message));
}

const HOW_TO_PROVIDE =
  'Provide credentials in one of the ways the AWS SDK looks for them:\n' +
  '  - environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys)\n' +
  '  - a profile: AWS_PROFILE=NAME with ~/.aws/credentials or ~/.aws/config (aws configure --profile NAME)\n' +
  '  - IAM Identity Center: aws configure sso, then aws sso login --profile NAME and AWS_PROFILE=NAME\n' +
  '  - on AWS: an instance profile, ECS task role or web identity (EKS, GitHub Actions OIDC)';

/** Turns an SDK failure of the identity call into a message that says what is missing and how to fix it. */
export function credentialsError(err: any, region: string): StopError {
  const name = String(err?.name ?? '');
  const message = String(err?.message ?? err);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    if (/profile/i.test(message) && /could not be found|not found/i.test(message)) {
      return new StopError(EXIT.preflight, `AWS profile not found: ${message}`, `Check AWS_PROFILE (now ${process.env.AWS_PROFILE ?? 'unset'}) against ~/.aws/config and ~/.aws/credentials.`);
    }
    if (/sso|token/i.test(message)) return new StopError(EXIT.preflight, `AWS SSO credentials are not usable: ${message}`, 'Run aws sso login --profile NAME (the session has expired or was never started).');
    return new StopError(EXIT.preflight, 'No AWS credentials found.', HOW_TO_PROVIDE);
  }
  if (/ExpiredToken|expired/i.test(name + message)) return new StopError(EXIT.preflight, `The AWS credentials have expired: ${message}`, 'Get fresh ones (aws sso login --profile NAME, or new temporary keys) and retry.');
  if (/InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient|AccessDenied/i.test(name)) {
    return new StopError(EXIT.preflight, `AWS rejects the credentials (${name}): ${message}`, `Check which credentials are in use (env vars take precedence over AWS_PROFILE) and that they are active.\n${HOW_TO_PROVIDE}`);
  }
  return apiError(err, 'sts:GetCallerIdentity', region);
}

function apiError(err: any, call: string, region: string): StopError {
  const name = String(err?.name ?? 'Error');
  const message = String(err?.message ?? err);
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|TimeoutError|socket hang up|NetworkingError/i.test(`${name} ${message} ${err?.code ?? ''}`)) {
    return new StopError(EXIT.preflight, `Cannot reach AWS (${call} in ${region}): ${message}`, 'Check the network, proxy settings (HTTPS_PROXY) and that the region is right.');
  }
  if (/AccessDenied|UnauthorizedOperation/i.test(name)) {
    return new StopError(EXIT.preflight, `Not allowed: ${call} (${message})`, 'The deploying identity needs cloudformation:DescribeStacks and GetTemplate, and sts:AssumeRole on the CDK bootstrap roles.');
  }
  return new StopError(EXIT.preflight, `${call} failed: ${name}: ${message}`);
}
