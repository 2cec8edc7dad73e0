import { describe, expect, it } from 'vitest';
import { ConfigSchema, configLeaves, loadConfig } from '../../../common/config/index.js';

describe('sidekick config keys', () => {
  it('has falcosidekick defaults for the global keys', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      listenport: 2801,
      customfields: {},
      templatedfields: {},
      bracketreplacer: '',
      outputfieldformat: '',
      mutualtlsfilespath: '/etc/certs',
      tlsserver: {
        deploy: false,
        certfile: '/etc/certs/server/server.crt',
        keyfile: '/etc/certs/server/server.key',
        mutualtls: false,
        cacertfile: '/etc/certs/server/ca.crt',
        notlsport: 2810,
        notlspaths: [],
      },
    });
  });

  it("reads falcosidekick's environment variable names", () => {
    const names = configLeaves(ConfigSchema).map((leaf) => leaf.envName);
    for (const name of ['CUSTOMFIELDS', 'CUSTOMTAGS', 'TEMPLATEDFIELDS', 'BRACKETREPLACER', 'OUTPUTFIELDFORMAT', 'TLSSERVER_DEPLOY', 'TLSSERVER_NOTLSPATHS', 'MUTUALTLSCLIENT_CERTFILE', 'TLSCLIENT_CACERTFILE']) {
      expect(names).toContain(name);
    }
    const config = loadConfig({
      env: { CUSTOMFIELDS: 'env:prod,region:eu', CUSTOMTAGS: 'a,b', TLSSERVER_DEPLOY: 'true', TLSSERVER_NOTLSPATHS: '/ping,/metrics' },
    });
    expect(config.customfields).toEqual({ env: 'prod', region: 'eu' });
    expect(config.customtags).toEqual(['a', 'b']);
    expect(config.tlsserver).toMatchObject({ deploy: true, notlspaths: ['/ping', '/metrics'] });
  });

  it('gives every sidekick leaf a description and a default (docs are generated from them)', () => {
    const sidekickRoots = ['customfields', 'customtags', 'templatedfields', 'bracketreplacer', 'outputfieldformat', 'tlsserver', 'auth', 'outbox', 'outputs', 'bodylimit'];
    const leaves = configLeaves(ConfigSchema).filter((leaf) => sidekickRoots.includes(leaf.path[0] as string));
    expect(leaves.length).toBeGreaterThan(20);
    for (const leaf of leaves) {
      expect(leaf.schema.description, leaf.path.join('.')).toBeTruthy();
      expect(leaf.schema.default, leaf.path.join('.')).not.toBeUndefined();
    }
  });
});
