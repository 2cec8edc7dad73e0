import { SakerError } from '../../../common/errors.js';

/** Where CloudTrail logs come from, decoded from the cloudtrail plugin's open_params. */
export type CloudtrailLocation =
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'sqs'; queueName: string }
  | { kind: 'file'; path: string };

// S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens today; legacy us-east-1 buckets
// may also have capitals and underscores and be up to 255 long.
const BUCKET = /^[A-Za-z0-9._-]{3,255}$/;
// SQS queue names: up to 80 letters, digits, hyphens and underscores, `.fifo` allowed at the end.
const QUEUE = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

function invalid(params: string, why: string): SakerError {
  return new SakerError('SAKER_ERR_SOURCE_PARAMS', `cloudtrail open_params ${JSON.stringify(params)}: ${why}`);
}

/**
 * Decodes open_params as Falco's cloudtrail plugin does: `s3://<bucket>[/<prefix>]` (everything up to
 * the first slash is the bucket, the rest — trailing slash included — the key prefix), `sqs://<queue
 * name>`, or anything else as a local file or directory. Names that AWS could never accept are
 * refused here with `SAKER_ERR_SOURCE_PARAMS` rather than failing later in a request.
 */
export function parseCloudtrailOpenParams(params: string): CloudtrailLocation {
  if (params.startsWith('s3://')) {
    const rest = params.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket)) throw invalid(params, `${JSON.stringify(bucket)} is not an S3 bucket name`);
    return { kind: 's3', bucket, prefix: slash < 0 ? '' : rest.slice(slash + 1) };
  }
  if (params.startsWith('sqs://')) {
    const queueName = params.slice('sqs://'.length);
    if (!QUEUE.test(queueName)) throw invalid(params, `${JSON.stringify(queueName)} is not an SQS queue name`);
    return { kind: 'sqs', queueName };
  }
  const path = params.trim();
  if (path === '') throw invalid(params, 'missing input file or directory');
  return { kind: 'file', path };
}
