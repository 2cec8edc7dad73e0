import type { FieldSpec, FieldTable } from '../../engine/fields.js';
import type { JsonEvent, JsonObject, JsonValue } from '../../sources/json-event.js';
import { isJsonObject } from '../../sources/json-event.js';
import { JSON_FIELDS, fieldMap, getPath, jsonText, pluginEventFields } from '../json/index.js';
import { collect, flatTexts, imageRepository, allTexts, presentTexts } from './collect.js';
import { containerFields } from './containers.js';
import { indexed, keyed, plain } from './k8s-field.js';

/** The text at `keys`, when present. */
function text(...keys: string[]) {
  return (doc: JsonObject): string | undefined => {
    const found = getPath(doc, keys);
    return found === undefined ? undefined : jsonText(found);
  };
}

/** The elements of the array at `keys` as texts; nothing when absent or not an array. */
function textList(...keys: string[]) {
  return (doc: JsonObject): string[] | undefined => {
    const found = getPath(doc, keys);
    return Array.isArray(found) ? found.map(jsonText) : undefined;
  };
}

/** Values of one key across the role's rules (`rules[*].<key>`), flattened; `[n]` picks rule n. */
function ruleValues(key: string) {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const found = collect(doc, ['requestObject', 'rules', key], index);
    return found === undefined ? undefined : flatTexts(found.filter(Array.isArray));
  };
}

/** Values at `keys` under each volume of the pod spec. */
function volumeValues(...keys: string[]) {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const found = collect(doc, ['requestObject', 'spec', 'volumes', ...keys], index);
    return found === undefined ? undefined : presentTexts(found);
  };
}

/** Names of the binding's subjects of one kind, optionally rendered with their namespace. */
function subjectNames(kind: string, withNamespace = false) {
  return (doc: JsonObject): string[] | undefined => {
    const subjects = getPath(doc, ['requestObject', 'subjects']);
    if (!Array.isArray(subjects)) return undefined;
    const out: string[] = [];
    for (const subject of subjects) {
      if (!isJsonObject(subject) || subject.kind !== kind || typeof subject.name !== 'string') continue;
      const namespace = typeof subject.namespace === 'string' ? subject.namespace : '';
      out.push(withNamespace ? `${namespace}:${subject.name}` : subject.name);
    }
    return out;
  };
}

function firstContainer(doc: JsonObject): string[] | undefined {
  const found = collect(doc, ['requestObject', 'spec', 'containers', 'image'], 0);
  return found === undefined ? undefined : allTexts(found);
}

function uriParam(doc: JsonObject, key: string): string | undefined {
  const uri = getPath(doc, ['requestURI']);
  if (uri === undefined) return undefined;
  const raw = jsonText(uri);
  const query = raw.indexOf('?');
  if (query < 0) return undefined;
  const hash = raw.indexOf('#', query);
  const params = new URLSearchParams(raw.slice(query + 1, hash < 0 ? undefined : hash));
  return params.get(key) ?? undefined;
}

/** `ka.req.volume.hostpath[/path]` / `[/prefix*]`: whether any hostPath volume uses that path. */
function volumeUsesPath(doc: JsonObject, arg: string): string | undefined {
  const found = collect(doc, ['requestObject', 'spec', 'volumes', 'hostPath', 'path'], undefined);
  if (found === undefined) return undefined;
  const prefix = arg.endsWith('*') ? arg.slice(0, -1) : undefined;
  const used = presentTexts(found).some((path) => (prefix !== undefined && path.startsWith(prefix)) || path === arg);
  return used ? 'true' : 'false';
}

/** Kinds of volume each volume is (every key but `name`, e.g. hostPath, configMap). */
function volumeTypes(doc: JsonObject, index: number | undefined): string[] | undefined {
  const volumes = getPath(doc, ['requestObject', 'spec', 'volumes']);
  if (!Array.isArray(volumes)) return undefined;
  let selected: JsonValue[] = volumes;
  if (index !== undefined) {
    const one = volumes[index];
    if (one === undefined) return undefined;
    selected = [one];
  }
  const out: string[] = [];
  for (const volume of selected) {
    if (isJsonObject(volume)) for (const key of Object.keys(volume)) if (key !== 'name') out.push(key);
  }
  return out;
}

/** The pod a request is about: the target object when it is a pod (or a pod subresource). */
function targetPodName(doc: JsonObject): string | undefined {
  if (getPath(doc, ['objectRef', 'resource']) !== 'pods') return undefined;
  return (
    text('objectRef', 'name')(doc) ??
    text('responseObject', 'metadata', 'name')(doc) ??
    text('requestObject', 'metadata', 'name')(doc)
  );
}

const REQ_POD = 'When the request object refers to a pod,';

const FIELDS: FieldSpec<JsonEvent>[] = [
  plain('ka.auditid', 'The unique id of the audit event', text('auditID')),
  plain('ka.stage', 'Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)', text('stage')),
  plain('ka.auth.decision', 'The authorization decision', text('annotations', 'authorization.k8s.io/decision')),
  plain('ka.auth.reason', 'The authorization reason', text('annotations', 'authorization.k8s.io/reason')),
  plain('ka.auth.openshift.decision', 'The authentication decision of the OpenShift API server extension (OpenShift only)', text('annotations', 'authentication.openshift.io/decision')),
  plain('ka.auth.openshift.username', 'The user name performing the OpenShift authentication operation (OpenShift only)', text('annotations', 'authentication.openshift.io/username')),
  plain('ka.validations.admission.policy.failure', 'The validation failure reason from a Validating Admission Policy', text('annotations', 'validation.policy.admission.k8s.io/validation_failure')),
  plain('ka.security.pod.violations', 'The violation reason for pod security admission', text('annotations', 'pod-security.kubernetes.io/audit-violations')),
  plain('ka.user.name', 'The user name performing the request', text('user', 'username')),
  plain('ka.user.groups', 'The groups to which the user belongs', textList('user', 'groups'), true),
  plain('ka.impuser.name', 'The impersonated user name', text('impersonatedUser', 'username')),
  plain('ka.verb', 'The action being performed', text('verb')),
  plain('ka.uri', 'The request URI as sent from client to server', text('requestURI')),
  keyed('ka.uri.param', 'The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val).', uriParam),
  plain('ka.target.name', 'The target object name', text('objectRef', 'name')),
  plain('ka.target.namespace', 'The target object namespace', text('objectRef', 'namespace')),
  plain('ka.target.resource', 'The target object resource', text('objectRef', 'resource')),
  plain('ka.target.subresource', 'The target object subresource', text('objectRef', 'subresource')),
  plain('ka.target.pod.name', 'The target pod name', targetPodName),
  plain('ka.req.binding.subjects', 'When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding', textList('requestObject', 'subjects'), true),
  plain('ka.req.binding.subjects.user_names', 'When the request object refers to a cluster role binding, the subject user names being linked by the binding', subjectNames('User'), true),
  plain('ka.req.binding.subjects.serviceaccount_names', 'When the request object refers to a cluster role binding, the subject service account names being linked by the binding', subjectNames('ServiceAccount'), true),
  plain('ka.req.binding.subjects.serviceaccount_ns_names', 'When the request object refers to a cluster role binding, the subject service accounts as namespace:name', subjectNames('ServiceAccount', true), true),
  plain('ka.req.binding.subjects.group_names', 'When the request object refers to a cluster role binding, the subject group names being linked by the binding', subjectNames('Group'), true),
  plain('ka.req.binding.role', 'When the request object refers to a cluster role binding, the role being linked by the binding', text('requestObject', 'roleRef', 'name')),
  // Deprecated in the plugin; documented as N/A but it has always answered "true".
  keyed('ka.req.binding.subject.has_name', 'Deprecated, only provided for backwards compatibility', () => 'true'),
  plain('ka.req.configmap.name', 'If the request object refers to a configmap, the configmap name', text('objectRef', 'name')),
  plain('ka.req.configmap.obj', 'If the request object refers to a configmap, the entire configmap object', text('requestObject', 'data')),
  plain('ka.req.container.image', 'Deprecated by ka.req.pod.containers.image. Returns the image of the first container only', (doc) => firstContainer(doc)?.[0]),
  plain('ka.req.container.image.repository', 'Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only', (doc) => {
    const image = firstContainer(doc)?.[0];
    return image === undefined ? undefined : imageRepository(image);
  }),
  plain('ka.req.pod.host_ipc', `${REQ_POD} the value of the hostIPC flag.`, text('requestObject', 'spec', 'hostIPC')),
  plain('ka.req.pod.host_network', `${REQ_POD} the value of the hostNetwork flag.`, text('requestObject', 'spec', 'hostNetwork')),
  plain('ka.req.container.host_network', 'Deprecated alias for ka.req.pod.host_network', text('requestObject', 'spec', 'hostNetwork')),
  plain('ka.req.pod.host_pid', `${REQ_POD} the value of the hostPID flag.`, text('requestObject', 'spec', 'hostPID')),
  plain('ka.req.container.privileged', 'Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true', (doc) => {
    const found = collect(doc, ['requestObject', 'spec', 'containers', 'securityContext', 'privileged'], undefined);
    if (found === undefined) return undefined;
    return found.some((value) => value === true) ? 'true' : 'false';
  }),
  plain('ka.req.pod.run_as_user', `${REQ_POD} the runAsUser uid specified in the security context for the pod.`, text('requestObject', 'spec', 'securityContext', 'runAsUser')),
  plain('ka.req.pod.run_as_group', `${REQ_POD} the runAsGroup gid specified in the security context for the pod.`, text('requestObject', 'spec', 'securityContext', 'runAsGroup')),
  plain('ka.req.pod.fs_group', `${REQ_POD} the fsGroup gid specified by the security context.`, text('requestObject', 'spec', 'securityContext', 'fsGroup')),
  plain('ka.req.pod.supplemental_groups', `${REQ_POD} the supplementalGroup gids specified by the security context.`, textList('requestObject', 'spec', 'securityContext', 'supplementalGroups'), true),
  plain('ka.req.role.rules', 'When the request object refers to a role/cluster role, the rules associated with the role', textList('requestObject', 'rules'), true),
  indexed('ka.req.role.rules.apiGroups', "When the request object refers to a role/cluster role, the api groups associated with the role's rules", ruleValues('apiGroups')),
  indexed('ka.req.role.rules.nonResourceURLs', "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules", ruleValues('nonResourceURLs')),
  indexed('ka.req.role.rules.verbs', "When the request object refers to a role/cluster role, the verbs associated with the role's rules", ruleValues('verbs')),
  indexed('ka.req.role.rules.resources', "When the request object refers to a role/cluster role, the resources associated with the role's rules", ruleValues('resources')),
  plain('ka.req.service.type', 'When the request object refers to a service, the service type', text('requestObject', 'spec', 'type')),
  indexed('ka.req.service.ports', "When the request object refers to a service, the service's ports", (doc, index) => {
    const ports = getPath(doc, ['requestObject', 'spec', 'ports']);
    if (!Array.isArray(ports)) return undefined;
    if (index === undefined) return ports.map(jsonText);
    const one = ports[index];
    return one === undefined ? undefined : [jsonText(one)];
  }),
  indexed('ka.req.pod.volumes.hostpath', `${REQ_POD} all hostPath paths specified for all volumes`, volumeValues('hostPath', 'path')),
  keyed('ka.req.volume.hostpath', 'Deprecated by ka.req.pod.volumes.hostpath. Whether the given (host) path, or path prefix ending in *, is used by any volume', volumeUsesPath),
  indexed('ka.req.pod.volumes.flexvolume_driver', `${REQ_POD} all flexvolume drivers specified for all volumes`, volumeValues('flexVolume', 'driver')),
  indexed('ka.req.pod.volumes.volume_type', `${REQ_POD} all volume types for all volumes`, volumeTypes),
  plain('ka.resp.name', 'The response object name', text('responseObject', 'metadata', 'name')),
  plain('ka.response.code', 'The response code', text('responseStatus', 'code')),
  plain('ka.response.reason', 'The response reason (usually present only for failures)', text('responseStatus', 'reason')),
  plain('ka.useragent', 'The useragent of the client who made the request to the apiserver', text('userAgent')),
  indexed('ka.sourceips', 'The IP addresses of the client who made the request to the apiserver', (doc, index) => {
    const ips = getPath(doc, ['sourceIPs']);
    if (!Array.isArray(ips)) return undefined;
    if (index === undefined) return ips.map(jsonText);
    const one = ips[index];
    return one === undefined ? undefined : [jsonText(one)];
  }),
  plain('ka.cluster.name', 'The name of the k8s cluster', text('annotations', 'cluster-name')),
];

/**
 * The fields of Falco's `k8saudit` plugin (`ka.*`) plus the `json` plugin's and the generic plugin
 * `evt.*` fields, over audit events.
 * Names, string types, list flags and argument specs follow the plugin; a field the event has no
 * value for extracts as undefined.
 */
export const K8S_AUDIT_FIELDS: FieldTable<JsonEvent> = {
  source: 'k8s_audit',
  fields: fieldMap<JsonEvent>(
    FIELDS,
    containerFields('containers'),
    containerFields('initContainers'),
    containerFields('ephemeralContainers'),
    JSON_FIELDS.values(),
    // The plugin renders an event as its raw JSON.
    pluginEventFields({ pluginName: 'k8saudit', source: 'k8s_audit', info: (doc) => JSON.stringify(doc) }).values(),
  ),
  eventTypeOf: () => undefined,
  timeOf: (event) => event.time,
  eventTypes: new Set<string>(),
};
