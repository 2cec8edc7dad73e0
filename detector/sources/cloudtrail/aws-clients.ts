import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** How the CloudTrail readers reach AWS; unset fields follow the SDK's own chain (env, ~/.aws, instance role). */
export interface CloudtrailAwsOptions {
  /** e.g. `us-east-1`; default from AWS_REGION / the shared config, as the plugin. */
  region?: string;
  /** Another endpoint than AWS's, e.g. an emulator or MinIO on `http://127.0.0.1:4566`. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style S3 URLs (`endpoint/bucket/key`); default true when `endpoint` is set, as emulators need. */
  forcePathStyle?: boolean;
}

function common(options: CloudtrailAwsOptions): { region?: string; endpoint?: string; credentials?: CloudtrailAwsOptions['credentials'] } {
  return {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
}

export function s3Client(options: CloudtrailAwsOptions): S3Client {
  return new S3Client({ ...common(options), forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined });
}

export function sqsClient(options: CloudtrailAwsOptions): SQSClient {
  return new SQSClient(common(options));
}
