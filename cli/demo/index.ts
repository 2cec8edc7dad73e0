/** `saker demo`: safe suspicious actions and sample audit events that make Saker's rules fire. */
export { runDemo, DEFAULT_K8S_AUDIT_URL } from './run-demo.js';
export type { DemoOptions, DemoResult } from './run-demo.js';
export { HOST_ACTIONS } from './host-actions.js';
export type { HostAction } from './host-actions.js';
export { demoAuditSamples, DEMO_NAMESPACE } from './k8s-audit-events.js';
export { evaluateSamples } from './k8s-audit.js';
