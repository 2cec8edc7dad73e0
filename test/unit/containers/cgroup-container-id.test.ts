// container.id from cgroup paths, case by case as Falco's container engines (the container plugin's
// runc, podman, cri and containerd matchers) decide them: which layouts name a container, the
// 12-character truncation, and "host" for everything else.
import { describe, expect, it } from 'vitest';
import { cgroupFacts } from '../../../detector/containers/index.js';
import { containerIdFromCgroupPath, containerIdFromCgroups, HOST_CONTAINER_ID, matchCgroupPath } from '../../../detector/state/index.js';

const ID = '7951fb549ab99e0722a949b6c121634e1f3a36b5bacbe5392991e3b12251e6b8';
const SHORT = ID.slice(0, 12);

describe('container ids from cgroup paths', () => {
  it.each([
    ['docker, cgroupfs driver', `/docker/${ID}`],
    ['docker, systemd driver', `/system.slice/docker-${ID}.scope`],
    ['docker, systemd driver under docker.slice', `/docker.slice/docker-${ID}.scope`],
    ['docker in a cri-dockerd pod', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/docker-${ID}.scope`],
    ['CRI-O, cgroupfs driver', `/kubepods/besteffort/pod63b3ebfc-2890-11e9-8154-16bf8ef8d9dc/crio-${ID}`],
    ['CRI-O, systemd driver', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod63b3ebfc_2890.slice/crio-${ID}.scope`],
    ['containerd, cgroupfs kubepods (besteffort)', `/kubepods/besteffort/podac04f3f2-1f2c-11e9-b015-1ebee232acfa/${ID}`],
    ['containerd, cgroupfs kubepods (burstable)', `/kubepods/burstable/podac04f3f2/${ID}`],
    ['containerd, cgroupfs kubepods (guaranteed)', `/kubepods/podac04f3f2/${ID}`],
    ['containerd, systemd driver', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-${ID}.scope`],
    ['containerd without SystemdCgroup', `/kubepods-burstable-podbd12dd33.slice:cri-containerd:${ID}`],
    ['nerdctl, systemd driver', `/system.slice/nerdctl-${ID}.scope`],
    ['nerdctl or ctr, cgroupfs driver (namespace/id)', `/default/${ID}`],
    ['podman, systemd', `/machine.slice/libpod-${ID}.scope`],
    ['podman, systemd, the container sub-cgroup', `/machine.slice/libpod-${ID}.scope/container`],
    ['podman, cgroupfs', `/libpod_parent/libpod-${ID}`],
    ['podman rootless', `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`],
    ['podman --cgroups=split (quadlet)', `/system.slice/nginx.service/libpod-payload-${ID}`],
    ['a sub-cgroup below a container scope that is not a unit', `/system.slice/docker-${ID}.scope/payload`],
    ['upper-case hex', `/docker/${ID.toUpperCase()}`],
  ])('%s', (_what, path) => {
    const expected = path.includes(ID.toUpperCase()) ? SHORT.toUpperCase() : SHORT;
    expect(containerIdFromCgroupPath(path)).toBe(expected);
    expect(containerIdFromCgroups([['cpu', path]])).toBe(expected);
  });

  it.each([
    ['a containerd namespace with a named container', '/default/test_container', 'test_contain'],
    ['a long namespace name', '/my_very_long_namespace-1.5/test_container', 'test_contain'],
    ['a short name', '/default/a', 'a'],
    ['dots, dashes and underscores', '/k8s.io/my-test_container', 'my-test_cont'],
    ['a unit-like word not at the end', '/default/service.container', 'service.cont'],
    // The namespace rule takes any name up to 64 characters: 63 hex digits are a name, not an id.
    ['63 hex digits under a namespace', `/docker/${ID.slice(1)}`, ID.slice(1, 13)],
  ])('containerd namespaces: %s', (_what, path, id) => {
    expect(containerIdFromCgroupPath(path)).toBe(id);
  });

  it.each([
    ['the root cgroup', '/'],
    ['an empty path', ''],
    ['a login session', '/user.slice/user-1000.slice/session-2.scope'],
    ['a user service manager', '/user.slice/user-1000.slice/user@1000.service/init.scope'],
    ['a system service', '/system.slice/cron.service'],
    ['systemd inside a container: the last .scope is init.scope, so no layout matches', `/system.slice/docker-${ID}.scope/init.scope`],
    ['CRI-O conmon', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/crio-conmon-${ID}.scope`],
    ['podman conmon', `/machine.slice/libpod-conmon-${ID}.scope`],
    ['a namespace name that is a systemd unit', '/default/some_short_id.scope'],
    ['a namespace name that is a slice', '/default/some_short_id.slice'],
    ['a namespace name that is a service', '/namespace/.service'],
    ['an id longer than 64', `/user.slice/user-1000.slice/user@1000.service/libpod-${ID}${ID}`],
    ['65 characters with a non-hex one', `/user.slice/libpod-${ID}g`],
    ['63 hex digits in a docker scope', `/system.slice/docker-${ID.slice(1)}.scope`],
  ])('host: %s', (_what, path) => {
    expect(containerIdFromCgroupPath(path)).toBeUndefined();
    expect(containerIdFromCgroups([['cpu', path]])).toBe(HOST_CONTAINER_ID);
  });

  it('takes the first cgroup that names a container, and "host" when none does', () => {
    expect(containerIdFromCgroups([])).toBe('host');
    expect(containerIdFromCgroups([['cpuset', '/'], ['cpu', '/user.slice'], ['memory', `/docker/${ID}`]])).toBe(SHORT);
    expect(containerIdFromCgroups([['cpu', '/default/first'], ['memory', `/docker/${ID}`]])).toBe('first');
  });

  it('keeps the whole id for the runtime lookup, and names the runtime the layout shows', () => {
    expect(matchCgroupPath(`/system.slice/docker-${ID}.scope`)).toEqual({ id: SHORT, fullId: ID, prefix: '/docker-' });
    expect(cgroupFacts(SHORT, [['cpu', `/system.slice/nerdctl-${ID}.scope`]])).toEqual({ fullId: ID, runtime: 'containerd' });
    expect(cgroupFacts('test_contain', [['cpu', '/default/test_container']])).toEqual({ fullId: 'test_container', runtime: 'containerd' });
    expect(cgroupFacts(SHORT, [['cpu', `/machine.slice/libpod-${ID}.scope`]])).toEqual({ fullId: ID });
    expect(cgroupFacts(SHORT, [['cpu', `/docker/${ID}`]])).toEqual({ fullId: ID, runtime: 'docker' });
    expect(cgroupFacts(SHORT, [['cpu', `/kubepods/besteffort/pod1/${ID}`]])).toEqual({ fullId: ID });
    expect(cgroupFacts('000000000000', [['cpu', `/docker/${ID}`]])).toEqual({});
  });
});
