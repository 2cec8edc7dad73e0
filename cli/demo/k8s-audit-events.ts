/**
 * Sample Kubernetes audit events for `saker demo`, shaped as the API server's webhook backend sends
 * them (audit.k8s.io/v1 `Event`s at the `ResponseComplete` stage). Each one is a request that one of
 * Saker's k8s_audit rules (rules/saker_k8s_audit_rules.yaml) reports; all live in a made-up
 * `saker-demo` namespace, so the alerts are easy to tell apart from a real cluster's.
 */

import { randomUUID } from 'node:crypto';

/** The namespace every sample request targets. */
export const DEMO_NAMESPACE = 'saker-demo';

/** One sample: what it stands for, the rule it should trip, and the audit event itself. */
export interface DemoAuditSample {
  action: string;
  rule: string;
  event: Record<string, unknown>;
}

interface Request {
  verb: string;
  uri: string;
  user: string;
  resource: string;
  name?: string;
  subresource?: string;
  namespace?: string;
  apiGroup?: string;
  code: number;
  requestObject?: Record<string, unknown>;
}

/** An audit Event for one request, timed now, with an authorization decision of `allow`. */
function auditEvent(request: Request, sequence: number, now: Date): Record<string, unknown> {
  const stamp = now.toISOString().replace('Z', `${String(sequence).padStart(3, '0')}Z`);
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: request.uri,
    verb: request.verb,
    user: { username: request.user, groups: ['system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'saker-demo',
    objectRef: {
      resource: request.resource,
      ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.subresource === undefined ? {} : { subresource: request.subresource }),
      ...(request.apiGroup === undefined ? {} : { apiGroup: request.apiGroup }),
      apiVersion: 'v1',
    },
    responseStatus: { metadata: {}, code: request.code },
    requestReceivedTimestamp: stamp,
    stageTimestamp: stamp,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'saker demo' },
    ...(request.requestObject === undefined ? {} : { requestObject: request.requestObject }),
    ...(request.name === undefined ? {} : { responseObject: { metadata: { name: request.name, namespace: request.namespace } } }),
  };
}

const ns = DEMO_NAMESPACE;

/** The requests, in the order the demo sends them. */
const REQUESTS: readonly (Omit<DemoAuditSample, 'event'> & { request: Request })[] = [
  {
    action: 'create a privileged pod',
    rule: 'K8s privileged pod created',
    request: {
      verb: 'create',
      uri: `/api/v1/namespaces/${ns}/pods`,
      user: 'demo-user',
      resource: 'pods',
      name: 'demo-privileged',
      namespace: ns,
      code: 201,
      requestObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: 'demo-privileged', namespace: ns },
        spec: { containers: [{ name: 'app', image: 'busybox:1.36', securityContext: { privileged: true } }] },
      },
    },
  },
  {
    action: 'exec a shell into a pod (kubectl exec -it)',
    rule: 'K8s exec or attach into a pod',
    request: {
      verb: 'create',
      uri: `/api/v1/namespaces/${ns}/pods/web-0/exec?command=sh&container=app&stdin=true&stdout=true&tty=true`,
      user: 'demo-user',
      resource: 'pods',
      name: 'web-0',
      subresource: 'exec',
      namespace: ns,
      code: 101,
    },
  },
  {
    action: 'bind a service account to cluster-admin',
    rule: 'K8s binding to cluster-admin created',
    request: {
      verb: 'create',
      uri: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      user: 'demo-user',
      resource: 'clusterrolebindings',
      name: 'saker-demo-admin',
      apiGroup: 'rbac.authorization.k8s.io',
      code: 201,
      requestObject: {
        kind: 'ClusterRoleBinding',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        metadata: { name: 'saker-demo-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'demo', namespace: ns }],
      },
    },
  },
  {
    action: 'read a secret with a workload’s service account',
    rule: 'K8s secret read by an unexpected user',
    request: {
      verb: 'get',
      uri: `/api/v1/namespaces/${ns}/secrets/db-password`,
      user: `system:serviceaccount:${ns}:demo`,
      resource: 'secrets',
      name: 'db-password',
      namespace: ns,
      code: 200,
    },
  },
];

/** The samples with their events timed `now` (each a microsecond apart, in order). */
export function demoAuditSamples(now = new Date()): DemoAuditSample[] {
  return REQUESTS.map(({ request, ...sample }, i) => ({ ...sample, event: auditEvent(request, i + 1, now) }));
}
