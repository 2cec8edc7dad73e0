/** Field table of the `k8s_audit` source (Falco's k8saudit plugin fields plus the json plugin's). */
export { K8S_AUDIT_FIELDS } from './fields.js';
export { containerFields } from './containers.js';
export type { ContainerList } from './containers.js';
