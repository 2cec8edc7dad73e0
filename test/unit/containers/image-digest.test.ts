// container.image.digest and container.image.id from each runtime's documents, as Falco's engines read
// them: Docker's image RepoDigests (the one of the container's repository) and `Image`; CRI-O's
// image_ref by its form; containerd's images API answer, unless the image name carries a digest.
import { describe, expect, it } from 'vitest';
import { containerFromContainerd, containerFromCrioInspect, containerFromInspect, imageToLookUp } from '../../../detector/containers/index.js';

const IMAGE_ID = 'a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6';
const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

const dockerDoc = (image: string) => ({ Id: 'c'.repeat(64), Name: '/app', Image: `sha256:${IMAGE_ID}`, Config: { Image: image, Labels: {} }, HostConfig: {}, Mounts: [] });

describe('Docker: digest and image id', () => {
  it('takes the digest of the repository the container runs, among several', () => {
    const info = containerFromInspect(dockerDoc('team/app:2'), { RepoDigests: [`mirror.local/other@${D1}`, `team/app@${D2}`], RepoTags: ['team/app:2'] });
    expect(info).toMatchObject({ imageId: IMAGE_ID, imageRepository: 'team/app', imageTag: '2', imageDigest: D2 });
  });

  it('takes the only digest there is, whatever repository it was pushed under', () => {
    expect(containerFromInspect(dockerDoc('app:2'), { RepoDigests: [`registry.local/team/service@${D1}`] }).imageDigest).toBe(D1);
  });

  it('leaves the digest unknown for a local build with no RepoDigests, or without the image document', () => {
    expect(containerFromInspect(dockerDoc('app:2'), { RepoDigests: [], RepoTags: ['app:2'] }).imageDigest).toBeUndefined();
    expect(containerFromInspect(dockerDoc('app:2')).imageDigest).toBeUndefined();
  });

  it('asks for the image document when the name lacks a digest, and reads one in the name without asking', () => {
    expect(imageToLookUp(dockerDoc('app:2'))).toBe(IMAGE_ID);
    const pinned = dockerDoc(`app:2@${D1}`);
    expect(imageToLookUp(pinned)).toBeUndefined();
    expect(containerFromInspect(pinned)).toMatchObject({ imageDigest: D1, imageTag: '2', imageId: IMAGE_ID });
  });
});

describe('CRI-O: image_ref by its form', () => {
  const doc = (imageRef: string) => ({ name: 'k8s_api', image: 'quay.io/team/api:3.2', image_ref: imageRef, labels: {} });
  it.each([
    ['a sha256-prefixed image id', `sha256:${IMAGE_ID}`, { imageId: IMAGE_ID, imageDigest: undefined }],
    ['a bare image id', IMAGE_ID, { imageId: IMAGE_ID, imageDigest: undefined }],
    ['a digested reference', `quay.io/team/api@${D1}`, { imageId: undefined, imageDigest: D1 }],
  ])('%s', (_what, ref, expected) => {
    expect(containerFromCrioInspect('f'.repeat(64), doc(ref))).toMatchObject({ imageRepository: 'quay.io/team/api', imageTag: '3.2', ...expected });
  });
});

describe('containerd: the images API digest', () => {
  const record = (image: string) => ({ id: 'b'.repeat(64), labels: {}, image });
  it('uses the digest the images API gave for the name', () => {
    const info = containerFromContainerd('bbbbbbbbbbbb', record('docker.io/library/nginx:1.25'), D1);
    expect(info).toMatchObject({ imageTag: '1.25', imageDigest: D1 });
    // A container record names no image id; Falco's containerd engine leaves it unset too.
    expect(info.imageId).toBeUndefined();
  });
  it('prefers a digest in the name itself, and has none without either', () => {
    expect(containerFromContainerd('bbbbbbbbbbbb', record(`docker.io/library/nginx@${D2}`), D1).imageDigest).toBe(D2);
    expect(containerFromContainerd('bbbbbbbbbbbb', record('docker.io/library/nginx:1.25')).imageDigest).toBeUndefined();
  });
});
