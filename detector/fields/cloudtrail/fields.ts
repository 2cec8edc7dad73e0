import type { FieldSpec, FieldTable, FieldType, FieldValue } from '../../engine/fields.js';
import type { JsonEvent, JsonObject } from '../../sources/json-event.js';
import { JSON_FIELDS, fieldMap, getString, plainField, pluginEventFields } from '../json/index.js';
import { ec2ImageId, ec2Name } from './ec2.js';
import { cloudtrailInfo } from './info.js';
import { cloudtrailReadOnly } from './readonly.js';
import { s3Bucket, s3Bytes, s3BytesIn, s3BytesOut, s3Count, s3Key, s3Uri } from './s3.js';
import { cloudtrailUser } from './user.js';

type Row = readonly [name: string, type: FieldType, read: (doc: JsonObject) => FieldValue | undefined, description: string];

/** A string member of the record; CloudTrail's extractor ignores values of other JSON types. */
const str = (...keys: string[]) => (doc: JsonObject): string | undefined => getString(doc, keys);

function shortSource(doc: JsonObject): string | undefined {
  const source = getString(doc, ['eventSource']);
  const suffix = '.amazonaws.com';
  return source !== undefined && source.length > suffix.length && source.endsWith(suffix) ? source.slice(0, -suffix.length) : source;
}

const ROWS: readonly Row[] = [
  ['ct.id', 'string', str('eventID'), 'the unique ID of the cloudtrail event (eventID in the json).'],
  ['ct.error', 'string', str('errorCode'), 'The error code from the event; no value when there was no error.'],
  ['ct.time', 'string', str('eventTime'), 'the timestamp of the cloudtrail event (eventTime in the json).'],
  ['ct.src', 'string', str('eventSource'), 'the source of the cloudtrail event (eventSource in the json).'],
  ['ct.shortsrc', 'string', shortSource, "the source of the cloudtrail event (eventSource in the json, without the '.amazonaws.com' trailer)."],
  ['ct.name', 'string', str('eventName'), 'the name of the cloudtrail event (eventName in the json).'],
  ['ct.user', 'string', cloudtrailUser, 'the user of the cloudtrail event (userIdentity.userName in the json).'],
  ['ct.user.accountid', 'string', str('userIdentity', 'accountId'), 'the account id of the user of the cloudtrail event.'],
  ['ct.user.identitytype', 'string', str('userIdentity', 'type'), 'the kind of user identity (e.g. Root, IAMUser,AWSService, etc.)'],
  ['ct.user.principalid', 'string', str('userIdentity', 'principalId'), 'A unique identifier for the user that made the request.'],
  ['ct.user.arn', 'string', str('userIdentity', 'arn'), 'the Amazon Resource Name (ARN) of the user that made the request.'],
  ['ct.region', 'string', str('awsRegion'), 'the region of the cloudtrail event (awsRegion in the json).'],
  ['ct.response.subnetid', 'string', str('responseElements', 'subnetId'), 'the subnet ID included in the response.'],
  ['ct.response.reservationid', 'string', str('responseElements', 'reservationId'), 'the reservation ID included in the response.'],
  ['ct.request.availabilityzone', 'string', str('requestParameters', 'availabilityZone'), 'the availability zone included in the request.'],
  ['ct.request.cluster', 'string', str('requestParameters', 'cluster'), 'the cluster included in the request.'],
  ['ct.request.functionname', 'string', str('requestParameters', 'functionName'), 'the function name included in the request.'],
  ['ct.request.groupname', 'string', str('requestParameters', 'groupName'), 'the group name included in the request.'],
  ['ct.request.host', 'string', str('requestParameters', 'Host'), 'the host included in the request'],
  ['ct.request.name', 'string', str('requestParameters', 'name'), 'the name of the entity being acted on in the request.'],
  ['ct.request.policy', 'string', str('requestParameters', 'policy'), 'the policy included in the request'],
  ['ct.request.serialnumber', 'string', str('requestParameters', 'serialNumber'), 'the serial number provided in the request.'],
  ['ct.request.servicename', 'string', str('requestParameters', 'serviceName'), 'the service name provided in the request.'],
  ['ct.request.subnetid', 'string', str('requestParameters', 'subnetId'), 'the subnet ID provided in the request.'],
  ['ct.request.taskdefinition', 'string', str('requestParameters', 'taskDefinition'), 'the task definition provided in the request.'],
  ['ct.request.username', 'string', str('requestParameters', 'userName'), 'the username provided in the request.'],
  ['ct.srcip', 'string', str('sourceIPAddress'), 'the IP address generating the event (sourceIPAddress in the json).'],
  ['ct.useragent', 'string', str('userAgent'), 'the user agent generating the event (userAgent in the json).'],
  ['ct.info', 'string', cloudtrailInfo, 'summary information about the event. This varies depending on the event type and, for some events, it contains event-specific details.'],
  ['ct.managementevent', 'string', (doc) => (doc.managementEvent === true ? 'true' : 'false'), "'true' if the event is a management event (AwsApiCall, AwsConsoleAction, AwsConsoleSignIn, or AwsServiceEvent), 'false' otherwise."],
  ['ct.readonly', 'string', cloudtrailReadOnly, "'true' if the event only reads information (e.g. DescribeInstances), 'false' if the event modifies the state (e.g. RunInstances, CreateLoadBalancer...)."],
  ['s3.uri', 'string', s3Uri, 'the s3 URI (s3://<bucket>/<key>).'],
  ['s3.bucket', 'string', s3Bucket, 'the bucket name for s3 events.'],
  ['s3.key', 'string', s3Key, 'the S3 key name.'],
  ['s3.bytes', 'uint', s3Bytes, 'the size of an s3 download or upload, in bytes.'],
  ['s3.bytes.in', 'uint', s3BytesIn, 'the size of an s3 upload, in bytes.'],
  ['s3.bytes.out', 'uint', s3BytesOut, 'the size of an s3 download, in bytes.'],
  ['s3.cnt.get', 'uint', s3Count('get'), 'the number of get operations. This field is 1 for GetObject events, 0 otherwise.'],
  ['s3.cnt.put', 'uint', s3Count('put'), 'the number of put operations. This field is 1 for PutObject events, 0 otherwise.'],
  ['s3.cnt.other', 'uint', s3Count('other'), 'the number of non I/O operations. This field is 0 for GetObject and PutObject events, 1 for all the other events.'],
  ['ec2.name', 'string', ec2Name, 'the name of the ec2 instances, typically stored in the instance tags.'],
  ['ec2.imageid', 'string', ec2ImageId, 'the ID for the image used to run the ec2 instance in the response.'],
  ['ecr.repository', 'string', str('requestParameters', 'repositoryName'), 'the name of the ecr Repository specified in the request.'],
  ['ecr.imagetag', 'string', str('requestParameters', 'imageTag'), 'the tag of the image specified in the request.'],
];

/** The plugin's rendering of a record (`evt.plugininfo`): region, user, service, event name, ct.info. */
function cloudtrailPluginInfo(doc: JsonObject): string | undefined {
  const region = getString(doc, ['awsRegion']);
  const service = shortSource(doc);
  const name = getString(doc, ['eventName']);
  if (region === undefined || service === undefined || name === undefined) return undefined;
  const user = cloudtrailUser(doc);
  return `${region}${user ? ` ${user}` : ''} ${service} ${name} ${cloudtrailInfo(doc)}`;
}

const FIELDS: FieldSpec<JsonEvent>[] = ROWS.map(([name, type, read, description]) =>
  plainField<JsonEvent>(name, type, description, (event) => read(event.doc)),
);

/**
 * The fields of Falco's `cloudtrail` plugin (`ct.*`, `s3.*`, `ec2.*`, `ecr.*`) plus the json
 * plugin's and the generic plugin `evt.*` fields, over CloudTrail records. No argument takes a field; a missing value is undefined.
 */
export const CLOUDTRAIL_FIELDS: FieldTable<JsonEvent> = {
  source: 'aws_cloudtrail',
  fields: fieldMap<JsonEvent>(
    FIELDS,
    JSON_FIELDS.values(),
    pluginEventFields({ pluginName: 'cloudtrail', source: 'aws_cloudtrail', info: cloudtrailPluginInfo }).values(),
  ),
  eventTypeOf: () => undefined,
  timeOf: (event) => event.time,
  eventTypes: new Set<string>(),
};
