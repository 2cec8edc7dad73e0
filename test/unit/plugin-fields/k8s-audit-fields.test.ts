import { describe, expect, it } from 'vitest';
import { K8S_AUDIT_FIELDS } from '../../../detector/fields/k8s_audit/index.js';
import type { JsonObject } from '../../../detector/sources/json-event.js';
import { extract as extractFrom, jsonEvent } from './helpers.js';

const ka = (name: string, doc: JsonObject, arg?: string) => extractFrom(K8S_AUDIT_FIELDS, name, jsonEvent(doc), arg);

const base = {
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  auditID: '6b6f6d9e-0d3c-4d0b-9a55-1b2c3d4e5f60',
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/default/pods',
  verb: 'create',
  user: { username: 'alice', groups: ['system:authenticated', 'dev'] },
  sourceIPs: ['10.0.0.7', '10.0.0.8'],
  userAgent: 'kubectl/v1.31.0',
  stageTimestamp: '2026-11-22T10:00:00.123456Z',
  annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding' },
  responseStatus: { metadata: {}, code: 201 },
} satisfies JsonObject;

const podCreate: JsonObject = {
  ...base,
  objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' },
  requestObject: {
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: {
      hostNetwork: true,
      hostPID: false,
      securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000, 3001] },
      containers: [
        {
          name: 'app',
          image: 'docker.io/library/nginx:1.27@sha256:abc',
          command: ['nginx', '-g'],
          args: ['daemon off;'],
          ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443 }],
          securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] }, runAsGroup: 50 },
        },
        { name: 'sidecar', image: 'falcosecurity/falco:0.40', securityContext: { runAsUser: 0, readOnlyRootFilesystem: true } },
      ],
      initContainers: [{ name: 'init', image: 'busybox:1.36', securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: 'debugger', image: 'alpine:3', securityContext: { allowPrivilegeEscalation: true } }],
      volumes: [
        { name: 'docker', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'flex', flexVolume: { driver: 'example/lvm' } },
      ],
    },
  },
  responseObject: { kind: 'Pod', metadata: { name: 'web', namespace: 'default' } },
};

describe('ka.* request metadata', () => {
  it('reads who did what to which object', () => {
    expect(ka('ka.auditid', podCreate)).toBe(base.auditID);
    expect(ka('ka.stage', podCreate)).toBe('ResponseComplete');
    expect(ka('ka.verb', podCreate)).toBe('create');
    expect(ka('ka.uri', podCreate)).toBe('/api/v1/namespaces/default/pods');
    expect(ka('ka.user.name', podCreate)).toBe('alice');
    expect(ka('ka.user.groups', podCreate)).toEqual(['system:authenticated', 'dev']);
    expect(ka('ka.target.resource', podCreate)).toBe('pods');
    expect(ka('ka.target.namespace', podCreate)).toBe('default');
    expect(ka('ka.target.name', podCreate)).toBe('web');
    expect(ka('ka.target.pod.name', podCreate)).toBe('web');
    expect(ka('ka.auth.decision', podCreate)).toBe('allow');
    expect(ka('ka.auth.reason', podCreate)).toBe('RBAC: allowed by ClusterRoleBinding');
    expect(ka('ka.useragent', podCreate)).toBe('kubectl/v1.31.0');
    expect(ka('ka.resp.name', podCreate)).toBe('web');
  });

  it('renders the numeric response code as text, as the plugin does', () => {
    expect(ka('ka.response.code', podCreate)).toBe('201');
    expect(ka('ka.response.reason', { ...base, responseStatus: { code: 403, reason: 'Forbidden' } })).toBe('Forbidden');
  });

  it('ka.sourceips is the list of client addresses; [n] picks one', () => {
    expect(ka('ka.sourceips', podCreate)).toEqual(['10.0.0.7', '10.0.0.8']);
    expect(ka('ka.sourceips', podCreate, '1')).toEqual(['10.0.0.8']);
    expect(ka('ka.sourceips', podCreate, '2')).toBeUndefined();
  });

  it('ka.uri.param reads a decoded query parameter', () => {
    const exec = { ...base, requestURI: '/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&container=app&stdin=true' };
    expect(ka('ka.uri.param', exec, 'command')).toBe('sh');
    expect(ka('ka.uri.param', exec, 'container')).toBe('app');
    expect(ka('ka.uri.param', exec, 'tty')).toBeUndefined();
    expect(ka('ka.uri.param', { ...base, requestURI: '/api?cmd=ls%20-la+x' }, 'cmd')).toBe('ls -la x');
  });

  it('has no value where the event has none', () => {
    const bare = { ...base, annotations: {} };
    expect(ka('ka.auth.decision', bare)).toBeUndefined();
    expect(ka('ka.impuser.name', bare)).toBeUndefined();
    expect(ka('ka.target.subresource', podCreate)).toBeUndefined();
    expect(ka('ka.req.pod.containers.image', bare)).toBeUndefined();
    expect(ka('ka.req.binding.role', bare)).toBeUndefined();
    expect(ka('ka.req.service.type', bare)).toBeUndefined();
  });

  it('gives no ka.* value at all for a document that is not an audit event (no auditID)', () => {
    const foreign = { verb: 'create', user: { username: 'alice' } };
    expect(ka('ka.verb', foreign)).toBeUndefined();
    expect(ka('ka.user.name', foreign)).toBeUndefined();
    expect(ka('ka.req.binding.subject.has_name', foreign, 'x')).toBeUndefined();
    expect(ka('json.value', foreign, '/verb')).toBe('create');
  });

  it('reads the impersonated user and the OpenShift and admission annotations', () => {
    const doc: JsonObject = {
      ...base,
      impersonatedUser: { username: 'bob' },
      annotations: {
        'authentication.openshift.io/decision': 'allow',
        'authentication.openshift.io/username': 'kube:admin',
        'pod-security.kubernetes.io/audit-violations': 'privileged (container "app" must not set privileged=true)',
        'validation.policy.admission.k8s.io/validation_failure': '[{"message":"denied"}]',
      },
    };
    expect(ka('ka.impuser.name', doc)).toBe('bob');
    expect(ka('ka.auth.openshift.decision', doc)).toBe('allow');
    expect(ka('ka.auth.openshift.username', doc)).toBe('kube:admin');
    expect(ka('ka.security.pod.violations', doc)).toContain('privileged');
    expect(ka('ka.validations.admission.policy.failure', doc)).toBe('[{"message":"denied"}]');
  });
});

describe('ka.req.pod.* on a pod creation', () => {
  it('lists container images and repositories; [n] selects one container', () => {
    expect(ka('ka.req.pod.containers.image', podCreate)).toEqual(['docker.io/library/nginx:1.27@sha256:abc', 'falcosecurity/falco:0.40']);
    expect(ka('ka.req.pod.containers.image.repository', podCreate)).toEqual(['docker.io/library/nginx', 'falcosecurity/falco']);
    expect(ka('ka.req.pod.containers.image', podCreate, '1')).toEqual(['falcosecurity/falco:0.40']);
    expect(ka('ka.req.pod.containers.image', podCreate, '7')).toBeUndefined();
    expect(ka('ka.req.container.image', podCreate)).toBe('docker.io/library/nginx:1.27@sha256:abc');
    expect(ka('ka.req.container.image.repository', podCreate)).toBe('docker.io/library/nginx');
    expect(ka('ka.req.pod.containers.name', podCreate)).toEqual(['app', 'sidecar']);
  });

  it('an image field has no value when any container lacks an image', () => {
    const doc: JsonObject = { ...base, requestObject: { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b' }] } } };
    expect(ka('ka.req.pod.containers.image', doc)).toBeUndefined();
    expect(ka('ka.req.pod.containers.image', doc, '0')).toEqual(['x:1']);
  });

  it('security-context flags list only the containers that set them', () => {
    expect(ka('ka.req.pod.containers.privileged', podCreate)).toEqual(['true']);
    expect(ka('ka.req.pod.containers.read_only_fs', podCreate)).toEqual(['true']);
    expect(ka('ka.req.pod.containers.run_as_user', podCreate)).toEqual(['0']);
    expect(ka('ka.req.pod.containers.run_as_group', podCreate)).toEqual(['50']);
    expect(ka('ka.req.pod.containers.allow_privilege_escalation', podCreate)).toEqual([]);
    expect(ka('ka.req.container.privileged', podCreate)).toBe('true');
    expect(ka('ka.req.container.privileged', { ...base, requestObject: { spec: { containers: [{ name: 'a' }] } } })).toBe('false');
  });

  it('init and ephemeral containers have their own fields, and containers.* does not see them', () => {
    expect(ka('ka.req.pod.initContainers.image', podCreate)).toEqual(['busybox:1.36']);
    expect(ka('ka.req.pod.initContainers.privileged', podCreate)).toEqual(['true']);
    expect(ka('ka.req.pod.ephemeralContainers.image', podCreate)).toEqual(['alpine:3']);
    expect(ka('ka.req.pod.ephemeralContainers.name', podCreate)).toEqual(['debugger']);
    expect(ka('ka.req.pod.ephemeralContainers.allow_privilege_escalation', podCreate)).toEqual(['true']);
    expect(ka('ka.req.pod.ephemeralContainers.privileged', podCreate)).toEqual([]);
    expect(ka('ka.req.pod.containers.image', podCreate)).not.toContain('busybox:1.36');
    expect(K8S_AUDIT_FIELDS.fields.has('ka.req.pod.ephemeralContainers.host_port')).toBe(false);
  });

  it('effective uid/gid combine container, pod and the 0 default', () => {
    expect(ka('ka.req.pod.containers.eff_run_as_user', podCreate)).toEqual(['1000', '0']);
    expect(ka('ka.req.pod.containers.eff_run_as_group', podCreate)).toEqual(['50', '0']);
    expect(ka('ka.req.pod.containers.eff_run_as_user', podCreate, '1')).toEqual(['0']);
    expect(ka('ka.req.pod.initContainers.eff_run_as_user', podCreate)).toEqual(['1000']);
  });

  it('reads capabilities, commands, args and host ports', () => {
    expect(ka('ka.req.pod.containers.add_capabilities', podCreate)).toEqual(['NET_ADMIN', 'SYS_TIME']);
    expect(ka('ka.req.pod.containers.command', podCreate)).toEqual(['nginx', '-g']);
    expect(ka('ka.req.pod.containers.args', podCreate)).toEqual(['daemon off;']);
    // A port without hostPort counts its containerPort: with hostNetwork that is the host's port.
    expect(ka('ka.req.pod.containers.host_port', podCreate)).toEqual(['8080', '443']);
    expect(ka('ka.req.pod.containers.host_port', podCreate, '1')).toBeUndefined();
  });

  it('reads pod-level flags and security context as text', () => {
    expect(ka('ka.req.pod.host_network', podCreate)).toBe('true');
    expect(ka('ka.req.container.host_network', podCreate)).toBe('true');
    expect(ka('ka.req.pod.host_pid', podCreate)).toBe('false');
    expect(ka('ka.req.pod.host_ipc', podCreate)).toBeUndefined();
    expect(ka('ka.req.pod.run_as_user', podCreate)).toBe('1000');
    expect(ka('ka.req.pod.run_as_group', podCreate)).toBeUndefined();
    expect(ka('ka.req.pod.fs_group', podCreate)).toBe('2000');
    expect(ka('ka.req.pod.supplemental_groups', podCreate)).toEqual(['3000', '3001']);
  });

  it('reads volumes: host paths, flex drivers, volume types and the deprecated path test', () => {
    expect(ka('ka.req.pod.volumes.hostpath', podCreate)).toEqual(['/var/run/docker.sock']);
    expect(ka('ka.req.pod.volumes.flexvolume_driver', podCreate)).toEqual(['example/lvm']);
    expect(ka('ka.req.pod.volumes.volume_type', podCreate)).toEqual(['hostPath', 'configMap', 'flexVolume']);
    expect(ka('ka.req.pod.volumes.volume_type', podCreate, '1')).toEqual(['configMap']);
    expect(ka('ka.req.volume.hostpath', podCreate, '/var/run/docker.sock')).toBe('true');
    expect(ka('ka.req.volume.hostpath', podCreate, '/var/run/*')).toBe('true');
    expect(ka('ka.req.volume.hostpath', podCreate, '/etc')).toBe('false');
  });
});

describe('ka.req.* on RBAC, services and configmaps', () => {
  const binding: JsonObject = {
    ...base,
    objectRef: { resource: 'clusterrolebindings', name: 'oops', apiGroup: 'rbac.authorization.k8s.io' },
    requestObject: {
      kind: 'ClusterRoleBinding',
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [
        { kind: 'User', name: 'system:anonymous', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
        { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    },
  };

  it('reads binding role and subjects', () => {
    expect(ka('ka.req.binding.role', binding)).toBe('cluster-admin');
    expect(ka('ka.req.binding.subjects', binding)).toEqual([
      '{"kind":"User","name":"system:anonymous","apiGroup":"rbac.authorization.k8s.io"}',
      '{"kind":"ServiceAccount","name":"builder","namespace":"ci"}',
      '{"kind":"Group","name":"devs","apiGroup":"rbac.authorization.k8s.io"}',
    ]);
    expect(ka('ka.req.binding.subjects.user_names', binding)).toEqual(['system:anonymous']);
    expect(ka('ka.req.binding.subjects.serviceaccount_names', binding)).toEqual(['builder']);
    expect(ka('ka.req.binding.subjects.serviceaccount_ns_names', binding)).toEqual(['ci:builder']);
    expect(ka('ka.req.binding.subjects.group_names', binding)).toEqual(['devs']);
    expect(ka('ka.req.binding.subject.has_name', binding, 'anyone')).toBe('true');
  });

  it('reads role rules, flattened across rules; [n] picks one rule', () => {
    const role: JsonObject = {
      ...base,
      objectRef: { resource: 'clusterroles', name: 'wide' },
      requestObject: {
        rules: [
          { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] },
          { apiGroups: ['apps'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['/healthz'], verbs: ['get'] },
        ],
      },
    };
    expect(ka('ka.req.role.rules.resources', role)).toEqual(['pods', 'pods/exec', '*']);
    expect(ka('ka.req.role.rules.verbs', role)).toEqual(['get', 'create', '*', 'get']);
    expect(ka('ka.req.role.rules.verbs', role, '1')).toEqual(['*']);
    expect(ka('ka.req.role.rules.apiGroups', role)).toEqual(['', 'apps']);
    expect(ka('ka.req.role.rules.nonResourceURLs', role)).toEqual(['/healthz']);
    expect(ka('ka.req.role.rules', role)).toHaveLength(3);
    expect(ka('ka.req.role.rules', role)).toContain('{"apiGroups":["apps"],"resources":["*"],"verbs":["*"]}');
  });

  it('reads service type and ports', () => {
    const svc: JsonObject = {
      ...base,
      objectRef: { resource: 'services', name: 'web', namespace: 'default' },
      requestObject: { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } },
    };
    expect(ka('ka.req.service.type', svc)).toBe('NodePort');
    expect(ka('ka.req.service.ports', svc)).toEqual(['{"port":80,"nodePort":30080,"protocol":"TCP"}']);
  });

  it('reads the configmap name and its data as JSON text', () => {
    const cm: JsonObject = {
      ...base,
      objectRef: { resource: 'configmaps', name: 'creds', namespace: 'default' },
      requestObject: { data: { aws_access_key_id: 'AKIA…' } },
    };
    expect(ka('ka.req.configmap.name', cm)).toBe('creds');
    expect(ka('ka.req.configmap.obj', cm)).toBe('{"aws_access_key_id":"AKIA…"}');
  });
});

describe('ka.* field specs match the plugin', () => {
  it('every ka field is a string; lists and arguments as the plugin declares them', () => {
    const spec = (name: string) => K8S_AUDIT_FIELDS.fields.get(name);
    for (const [name, s] of K8S_AUDIT_FIELDS.fields) if (name.startsWith('ka.')) expect(s.type).toBe('string');
    expect(spec('ka.uri.param')?.arg).toEqual({ kind: 'key', required: true });
    expect(spec('ka.req.volume.hostpath')?.arg).toEqual({ kind: 'key', required: true });
    expect(spec('ka.req.pod.containers.image')?.arg).toEqual({ kind: 'index', required: false });
    expect(spec('ka.req.pod.containers.image')?.list).toBe(true);
    expect(spec('ka.user.groups')?.list).toBe(true);
    expect(spec('ka.user.groups')?.arg.kind).toBe('none');
    expect(spec('ka.verb')?.list).toBeUndefined();
    expect(() => spec('ka.req.pod.containers.image')?.bind('first')).toThrow(expect.objectContaining({ code: 'SAKER_ERR_FIELD_ARG' }));
    expect(() => spec('ka.verb')?.bind('x')).toThrow(expect.objectContaining({ code: 'SAKER_ERR_FIELD_ARG' }));
    expect(() => spec('ka.uri.param')?.bind(undefined)).toThrow(expect.objectContaining({ code: 'SAKER_ERR_FIELD_ARG' }));
  });

  it('has every field of the plugin README (100 ka.* fields)', () => {
    const names = [...K8S_AUDIT_FIELDS.fields.keys()].filter((n) => n.startsWith('ka.'));
    expect(names).toHaveLength(100);
  });

  it('generic evt.* fields: the plugin renders an event as its JSON', () => {
    expect(ka('evt.plugininfo', base)).toBe(JSON.stringify(base));
    expect(ka('evt.pluginname', base)).toBe('k8saudit');
    expect(ka('evt.source', base)).toBe('k8s_audit');
    expect(ka('evt.num', base)).toBe(1);
  });
});
