import type { FieldSpec } from '../../engine/fields.js';
import type { JsonEvent, JsonObject, JsonValue } from '../../sources/json-event.js';
import { getPath, jsonText } from '../json/index.js';
import { allTexts, collect, flatTexts, imageRepository, presentTexts } from './collect.js';
import { indexed } from './k8s-field.js';

/** The three container lists of a pod spec, each with its own `ka.req.pod.<list>.*` fields. */
export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

const LABEL: Record<ContainerList, string> = {
  containers: 'containers',
  initContainers: 'init containers',
  ephemeralContainers: 'ephemeral containers',
};

function images(doc: JsonObject, list: ContainerList, index: number | undefined): string[] | undefined {
  const found = collect(doc, ['requestObject', 'spec', list, 'image'], index);
  return found === undefined ? undefined : allTexts(found);
}

/** Security-context values of every container (those that set it). */
function securityContext(list: ContainerList, ...keys: string[]) {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const found = collect(doc, ['requestObject', 'spec', list, 'securityContext', ...keys], index);
    return found === undefined ? undefined : presentTexts(found);
  };
}

/** A per-container list (command, args, added capabilities) read as one flat list. */
function flattened(list: ContainerList, ...keys: string[]) {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const found = collect(doc, ['requestObject', 'spec', list, ...keys], index);
    return found === undefined ? undefined : flatTexts(found);
  };
}

/**
 * The uid/gid each container starts with: the container's own securityContext value, else the pod's
 * securityContext value, else 0.
 */
function effective(list: ContainerList, key: 'runAsUser' | 'runAsGroup') {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const podValue = getPath(doc, ['requestObject', 'spec', 'securityContext', key]);
    const fallback = podValue === undefined ? '0' : jsonText(podValue);
    const all = getPath(doc, ['requestObject', 'spec', list]);
    if (!Array.isArray(all)) return undefined;
    let containers: JsonValue[] = all;
    if (index !== undefined) {
      const one = all[index];
      if (one === undefined) return undefined;
      containers = [one];
    }
    return containers.map((container) => {
      const own = getPath(container, ['securityContext', key]);
      return own === undefined ? fallback : jsonText(own);
    });
  };
}

/** hostPort of every declared port; a port without one counts its containerPort (host network). */
function hostPorts(list: ContainerList) {
  return (doc: JsonObject, index: number | undefined): string[] | undefined => {
    const found = collect(doc, ['requestObject', 'spec', list, 'ports'], index);
    if (found === undefined) return undefined;
    const out: string[] = [];
    for (const ports of found) {
      if (!Array.isArray(ports)) continue;
      for (const port of ports) {
        const value = getPath(port, ['hostPort']) ?? getPath(port, ['containerPort']);
        if (value !== undefined) out.push(jsonText(value));
      }
    }
    return out;
  };
}

/** The `ka.req.pod.<list>.*` fields for one container list. */
export function containerFields(list: ContainerList): FieldSpec<JsonEvent>[] {
  const p = `ka.req.pod.${list}`;
  const of = `When the request object refers to a pod, ${LABEL[list]}'`;
  const fields = [
    indexed(`${p}.name`, `${of} names.`, (doc, index) => {
      const found = collect(doc, ['requestObject', 'spec', list, 'name'], index);
      return found === undefined ? undefined : presentTexts(found);
    }),
    indexed(`${p}.image`, `${of} images.`, (doc, index) => images(doc, list, index)),
    indexed(`${p}.image.repository`, `${of} images, repository part only (e.g. falcosecurity/falco).`, (doc, index) =>
      images(doc, list, index)?.map(imageRepository),
    ),
    indexed(`${p}.command`, `${of} commands.`, flattened(list, 'command')),
    indexed(`${p}.args`, `${of} args.`, flattened(list, 'args')),
    indexed(`${p}.privileged`, `${of} privileged flags.`, securityContext(list, 'privileged')),
    indexed(`${p}.allow_privilege_escalation`, `${of} allowPrivilegeEscalation flags.`, securityContext(list, 'allowPrivilegeEscalation')),
    indexed(`${p}.read_only_fs`, `${of} readOnlyRootFilesystem flags.`, securityContext(list, 'readOnlyRootFilesystem')),
    indexed(`${p}.run_as_user`, `${of} runAsUser uids.`, securityContext(list, 'runAsUser')),
    indexed(`${p}.eff_run_as_user`, `${of} initial uids, combining pod and container security contexts (0 when unset).`, effective(list, 'runAsUser')),
    indexed(`${p}.run_as_group`, `${of} runAsGroup gids.`, securityContext(list, 'runAsGroup')),
    indexed(`${p}.eff_run_as_group`, `${of} initial gids, combining pod and container security contexts (0 when unset).`, effective(list, 'runAsGroup')),
    indexed(`${p}.proc_mount`, `${of} procMount types.`, securityContext(list, 'procMount')),
    indexed(`${p}.add_capabilities`, `${of} added capabilities.`, flattened(list, 'securityContext', 'capabilities', 'add')),
  ];
  // Ephemeral containers may not declare ports, so the plugin has no host_port field for them.
  if (list !== 'ephemeralContainers') fields.push(indexed(`${p}.host_port`, `${of} hostPort values.`, hostPorts(list)));
  return fields;
}
