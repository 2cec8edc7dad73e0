import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../../../detector/service.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { PLUGIN_RULES, testPlugin, writeSetup } from './support.js';

/*
 * The real detector service with plugin sources only (no eBPF): test plugins written against the
 * public API, loaded from their module paths through the config, their rules firing, and the alerts
 * posted over HTTP to a loopback receiver.
 */

const log = createLogger({ level: 'silent', pretty: false });
let peer: HttpPeer | undefined;
let detector: RunningDetector | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await detector?.stop(2_000);
  await peer?.close();
  detector = undefined;
  peer = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts a receiver and the detector with `plugins` configured; the sources end on their own. */
async function runDetector(plugins: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<RunningDetector> {
  peer = await startHttpPeer(() => ({ status: 200, body: '{}' }));
  const url = `${peer.url}/`;
  const { dir, configFile } = writeSetup(PLUGIN_RULES, (dataDir, rulesFile) => ({
    datadir: dataDir,
    detector: { rules_files: [rulesFile], disable_sources: ['syscall'], http_output: { url }, plugins, ...extra },
  }));
  dirs.push(dir);
  detector = await startDetector(loadConfig({ file: configFile, env: {} }), log);
  return detector;
}

/** Every alert the receiver got, in order. */
function received(): Alert[] {
  return (peer?.requests ?? []).flatMap((request) => JSON.parse(request.body) as Alert[]);
}

const dummy = { name: 'dummy', library: testPlugin('dummy.ts'), init_config: { start: 1 }, open_params: '10' };

describe('plugin sources in the detector', () => {
  it("runs a test plugin's source and fires its rules, with the plugin's fields in the output", async () => {
    const running = await runDetector([dummy]);
    await untilDetectorReady(running);
    await running.done;
    await running.stop();
    const alerts = received();
    expect(alerts.map((a) => a.output_fields['dummy.value'])).toEqual([2, 4, 6, 8, 10]);
    expect(alerts[0]).toMatchObject({
      rule: 'Even counter',
      priority: 'Warning',
      source: 'dummy',
      tags: ['test'],
      output_fields: { 'dummy.label[n]': 'n-2', 'evt.plugininfo': 'counter at 2', 'evt.num': 2, 'evt.source': 'dummy' },
    });
    expect(alerts[0]?.output).toContain('even counter 2 (label=n-2 info=counter at 2 num=2 source=dummy)');
    expect(running.stats().sources).toEqual({ dummy: { events: 10, alerts: 5, errors: 0 } });
  });

  it('passes init_config to the plugin: the counter starts where the config says', async () => {
    const running = await runDetector([{ ...dummy, init_config: '{"start": 5}', open_params: '3' }]);
    await running.done;
    await running.stop();
    expect(received().map((a) => a.output_fields['dummy.value'])).toEqual([6]);
  });

  it('runs several plugin sources at once; a faulty one is isolated, counted and named, and the others go on', async () => {
    const running = await runDetector([
      dummy,
      { name: 'faulty', library: testPlugin('faulty.ts'), open_params: '3' },
      { name: 'openfails', library: testPlugin('open-fails.ts') },
      { name: 'initfails', library: testPlugin('throws-in-init.ts') },
      { name: 'garbage', library: testPlugin('not-a-plugin.ts') },
      { name: 'missing', library: testPlugin('does-not-exist.ts') },
    ]);
    await untilDetectorReady(running);
    // The faulty source breaks down and openfails never opens: the detector still ends cleanly
    // only if the last source to end did not fail, so just wait for every source to settle.
    await running.done.catch(() => undefined);
    await running.stop();
    const alerts = received();
    expect(alerts.filter((a) => a.source === 'dummy')).toHaveLength(5);
    const faulty = alerts.filter((a) => a.source === 'faulty');
    expect(faulty.map((a) => a.output_fields['faulty.value'])).toEqual([1, 2, 3]);
    // Extractors that throw or return the wrong type give no value, as Falco prints it.
    expect(faulty[0]?.output_fields).toMatchObject({ 'faulty.garbage': null, 'evt.plugininfo': null });

    const stats = running.stats();
    expect(stats.sources).toEqual({ dummy: { events: 10, alerts: 5, errors: 0 }, faulty: { events: 3, alerts: 3, errors: 0 }, openfails: { events: 0, alerts: 0, errors: 0 } });
    expect(stats.plugins.faults.faulty).toMatchObject({ 'bad-event': 6, 'stream-failed': 1 });
    expect(stats.plugins.faults.faulty?.['extract-threw']).toBeGreaterThanOrEqual(3);
    expect(stats.plugins.faults.faulty?.['bad-value']).toBeGreaterThanOrEqual(3);
    expect(stats.plugins.failed.map((f) => [f.name, f.code])).toEqual([
      ['initfails', 'SAKER_ERR_PLUGIN_LOAD'],
      ['garbage', 'SAKER_ERR_PLUGIN_INVALID'],
      ['missing', 'SAKER_ERR_PLUGIN_LOAD'],
    ]);
    expect(stats.plugins.failed[0]?.message).toContain('plugin initfails: init failed: cannot reach the backend');
  });

  it('refuses to start when the rules require a plugin version that is not loaded, with Falco’s message', async () => {
    peer = await startHttpPeer(() => ({ status: 200 }));
    const rules = PLUGIN_RULES.replace('version: 0.1.0', 'version: 1.0.0');
    const { dir, configFile } = writeSetup(rules, (dataDir, rulesFile) => ({
      datadir: dataDir,
      detector: { rules_files: [rulesFile], disable_sources: ['syscall'], plugins: [dummy] },
    }));
    dirs.push(dir);
    const failure = await startDetector(loadConfig({ file: configFile, env: {} }), log).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SAKER_ERR_RULES_INVALID' });
    expect((failure as Error).message).toContain("Plugin 'dummy' version '0.1.0' is not compatible with required plugin version '1.0.0'");
  });

  it('refuses to start with no source to run, and with an unknown source to disable', async () => {
    const codes: string[] = [];
    for (const detectorConfig of [{ disable_sources: ['syscall'] }, { disable_sources: ['nosuch'] }]) {
      const { dir, configFile } = writeSetup(PLUGIN_RULES, (dataDir) => ({ datadir: dataDir, detector: detectorConfig }));
      dirs.push(dir);
      const failure = await startDetector(loadConfig({ file: configFile, env: {} }), log).catch((error: unknown) => error);
      codes.push((failure as { code: string }).code);
    }
    expect(codes).toEqual(['SAKER_ERR_CONFIG_INVALID', 'SAKER_ERR_CONFIG_INVALID']);
  });
});
