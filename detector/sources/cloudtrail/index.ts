/** The `aws_cloudtrail` source: log document parsing and the file/directory reader (S3/SQS later). */
export { parseCloudtrailDocument } from './records.js';
export type { CloudtrailParseResult } from './records.js';
export { readCloudtrail, cloudtrailLogFiles, isCloudtrailLogName } from './file-reader.js';
export type { CloudtrailFileOptions } from './file-reader.js';
export { CloudtrailReadStats } from './skips.js';
export type { CloudtrailSkip, CloudtrailSkipReason } from './skips.js';
