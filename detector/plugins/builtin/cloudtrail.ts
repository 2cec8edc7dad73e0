import { SakerError } from '../../../common/errors.js';
import { CLOUDTRAIL_FIELDS } from '../../fields/cloudtrail/index.js';
import { JSON_FIELDS } from '../../fields/json/index.js';
import type { JsonEvent } from '../../sources/json-event.js';
import { CloudtrailReadStats, CloudtrailRemoteStats, openCloudtrail, readCloudtrail, type CloudtrailOpenOptions } from '../../sources/cloudtrail/index.js';
import { definePlugin, type PluginContext, type PluginEventStream } from '../api.js';
import { ownFields } from './from-field-spec.js';
import { initConfigObject, optionalString, positiveInteger } from './init-config.js';

/** Version of Falco's cloudtrail plugin whose fields these are. */
export const CLOUDTRAIL_PLUGIN_VERSION = '0.10.0';

// The table's own rendering of a record (region, user, service, event name, ct.info).
const pluginInfo = CLOUDTRAIL_FIELDS.fields.get('evt.plugininfo')?.bind(undefined);

/** Reads CloudTrail log files (a file, or every .json/.json.gz under a directory). */
function openLogFiles(path: string, context: PluginContext): PluginEventStream<JsonEvent> {
  const stats = new CloudtrailReadStats();
  let logged = false;
  const events = readCloudtrail(path, {
    stats,
    onSkip: (skip) => {
      if (logged) return;
      logged = true;
      context.log.warn({ skip }, 'a CloudTrail file or record was skipped; counting further ones');
    },
  });
  return {
    [Symbol.asyncIterator]: () => events,
    close: async () => {
      await events.return(undefined);
    },
    skipped: () => stats.skipped,
  };
}

/** The plugin's init_config for S3 and SQS: `sqsDelete`, `s3DownloadConcurrency`, `aws.region`, `aws.endpoint`. */
function remoteOptions(config: Record<string, unknown>): CloudtrailOpenOptions {
  const aws = config.aws === undefined ? {} : initConfigObject('cloudtrail', config.aws);
  const region = optionalString('cloudtrail', aws, 'region');
  const endpoint = optionalString('cloudtrail', aws, 'endpoint');
  if (config.sqsDelete !== undefined && typeof config.sqsDelete !== 'boolean') {
    throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', 'plugin cloudtrail: init_config.sqsDelete must be true or false');
  }
  return {
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(typeof config.sqsDelete === 'boolean' ? { sqsDelete: config.sqsDelete } : {}),
    downloadConcurrency: positiveInteger('cloudtrail', config, 's3DownloadConcurrency', 4),
  };
}

/** Reads `s3://bucket/prefix` once, or polls `sqs://queue` until closed. */
function openRemote(params: string, options: CloudtrailOpenOptions, context: PluginContext): PluginEventStream<JsonEvent> {
  const stats = new CloudtrailRemoteStats();
  const abort = new AbortController();
  let logged = false;
  const events = openCloudtrail(params, {
    ...options,
    stats,
    signal: abort.signal,
    log: context.log,
    onSkip: (skip) => {
      if (logged) return;
      logged = true;
      context.log.warn({ skip }, 'a CloudTrail object, message or record was skipped; counting further ones');
    },
  });
  return {
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    close: () => abort.abort(),
    skipped: () => stats.skipped,
  };
}

/**
 * Built-in `cloudtrail` plugin: the `aws_cloudtrail` source and the `ct.*`, `s3.*`, `ec2.*`, `ecr.*`
 * fields of Falco's cloudtrail plugin. `open_params` as the plugin's: a CloudTrail log file or a
 * directory of them, `s3://bucket/prefix/` (read once) or `sqs://queue-name` (polled until stop).
 */
export const cloudtrailPlugin = definePlugin<JsonEvent>(() => {
  let remote: CloudtrailOpenOptions = {};
  return {
    name: 'cloudtrail',
    version: CLOUDTRAIL_PLUGIN_VERSION,
    description: "AWS CloudTrail records from log files, S3 or SQS, with the fields of Falco's cloudtrail plugin.",
    init(config) {
      remote = remoteOptions(initConfigObject('cloudtrail', config));
    },
    source: {
      name: 'aws_cloudtrail',
      open(params, context) {
        const where = params.trim();
        if (where === '') throw new SakerError('SAKER_ERR_SOURCE_PARAMS', 'cloudtrail: open_params must name a CloudTrail log file or directory, s3://bucket/prefix or sqs://queue');
        return /^(s3|sqs):\/\//i.test(where) ? openRemote(where, remote, context) : openLogFiles(where, context);
      },
      info: (event) => {
        const text = pluginInfo?.(event);
        return typeof text === 'string' ? text : undefined;
      },
    },
    fields: ownFields(CLOUDTRAIL_FIELDS.fields, new Set(JSON_FIELDS.keys())),
  };
});
