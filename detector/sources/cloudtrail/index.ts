/** The `aws_cloudtrail` source: log document parsing, the file/directory reader, and S3/SQS polling. */
export { parseCloudtrailDocument } from './records.js';
export type { CloudtrailParseResult } from './records.js';
export { readCloudtrail, cloudtrailLogFiles, isCloudtrailLogName } from './file-reader.js';
export type { CloudtrailFileOptions } from './file-reader.js';
export { CloudtrailReadStats } from './skips.js';
export type { CloudtrailSkip, CloudtrailSkipReason } from './skips.js';
export { openCloudtrail } from './open.js';
export type { CloudtrailOpenOptions } from './open.js';
export { parseCloudtrailOpenParams } from './open-params.js';
export type { CloudtrailLocation } from './open-params.js';
export type { CloudtrailAwsOptions } from './aws-clients.js';
// The S3 and SQS readers are reached through `openCloudtrail` (or their own modules), not re-exported:
// a re-export would load the AWS SDK with the field tables (see open.ts).
export type { CloudtrailSqsOptions } from './sqs-reader.js';
export { parseNotification } from './sqs-notifications.js';
export { CloudtrailRemoteStats } from './remote-skips.js';
export type { CloudtrailRemoteSkip, CloudtrailRemoteSkipReason } from './remote-skips.js';
