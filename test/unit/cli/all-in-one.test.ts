import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { EMBEDDED_AUDIT_WEBHOOK, embeddedDetectorConfig } from '../../../cli/all-in-one.js';

const SIDEKICK = 'http://127.0.0.1:2801';

describe('the detector settings of saker run', () => {
  it('posts to its own sidekick and opens the audit webhook on loopback when no plugin is configured', () => {
    const { detector } = embeddedDetectorConfig(loadConfig({ env: {} }), SIDEKICK, true);
    expect(detector.http_output.url).toBe(`${SIDEKICK}/`);
    expect(detector.plugins).toEqual([{ name: 'k8saudit', open_params: EMBEDDED_AUDIT_WEBHOOK }, { name: 'json' }]);
    expect(new URL(EMBEDDED_AUDIT_WEBHOOK).hostname).toBe('127.0.0.1');
    expect(detector.disable_sources).toEqual([]);
  });

  it("keeps the user's plugins, and an explicit empty load_plugins, as they are", () => {
    const own = [{ name: 'k8saudit', open_params: 'http://:9999/audit' }];
    expect(embeddedDetectorConfig(loadConfig({ env: { DETECTOR_PLUGINS: JSON.stringify(own) } }), SIDEKICK, true).detector.plugins).toEqual(own);
    const none = embeddedDetectorConfig(loadConfig({ env: { DETECTOR_LOAD_PLUGINS: '[]' } }), SIDEKICK, true).detector;
    expect(none.plugins).toEqual([]);
  });

  it('runs the plugin sources alone when eBPF is not available', () => {
    expect(embeddedDetectorConfig(loadConfig({ env: {} }), SIDEKICK, false).detector.disable_sources).toEqual(['syscall']);
  });
});
