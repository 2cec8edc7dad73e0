import { describe, expect, it } from 'vitest';
import { configFiles, configProblemsOf } from '../../support/config-files.js';
import { ConfigSchema, configLeaves, loadConfig } from '../../../common/config/index.js';
import type { SakerError } from '../../../common/errors.js';

const configFile = configFiles('saker-config-');
const problemsOf = configProblemsOf;

describe('loadConfig', () => {
  it('uses embedded defaults when there is no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.listenport).toBe(2801);
    expect(config.webui.listenport).toBe(2802);
    expect(config.loglevel).toBe('info');
    expect(config.detector.rules_files).toEqual([]);
    expect(config.detector.http_output.url).toBe('http://127.0.0.1:2801/');
  });

  it('applies precedence: defaults < file < environment < command line', () => {
    const file = configFile('precedence.yaml', 'listenport: 3000\nlistenaddress: 127.0.0.1\nloglevel: warn\ndetector:\n  priority: notice\n');
    const fromFile = loadConfig({ file, env: {} });
    expect(fromFile).toMatchObject({ listenport: 3000, listenaddress: '127.0.0.1', loglevel: 'warn', detector: { priority: 'notice' } });

    const fromEnv = loadConfig({ file, env: { LISTENPORT: '4000', DETECTOR_PRIORITY: 'error' } });
    expect(fromEnv).toMatchObject({ listenport: 4000, listenaddress: '127.0.0.1', detector: { priority: 'error' } });

    const fromFlags = loadConfig({ file, env: { LOGLEVEL: 'error' }, overrides: { loglevel: 'debug' } });
    expect(fromFlags.loglevel).toBe('debug');
  });

  it('reads falcosidekick-style environment names, lists and booleans', () => {
    const config = loadConfig({
      env: { DEBUG: 'true', DETECTOR_RULES_FILES: '/etc/falco/a.yaml, /etc/falco/b.yaml', WEBUI_LISTENPORT: '9000' },
    });
    expect(config.debug).toBe(true);
    expect(config.detector.rules_files).toEqual(['/etc/falco/a.yaml', '/etc/falco/b.yaml']);
    expect(config.webui.listenport).toBe(9000);
  });

  it('names every config leaf after its path for the environment', () => {
    const names = configLeaves(ConfigSchema).map((leaf) => leaf.envName);
    expect(names).toContain('LISTENPORT');
    expect(names).toContain('DETECTOR_HTTP_OUTPUT_URL');
    expect(new Set(names).size).toBe(names.length);
  });

  it('stops on an unknown key, naming its path and file position', () => {
    const file = configFile('unknown.yaml', 'listenport: 2801\ndetector:\n  priority: debug\n  rulesfiles: [a.yaml]\n');
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      { path: 'detector.rulesfiles', message: 'unknown key', origin: `${file}:4:3` },
    ]);
  });

  it('stops on an ill-typed key, naming its path and file position', () => {
    const file = configFile('typed.yaml', 'listenport: "eighty"\nwebui:\n  listenport: 70000\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems.map((p) => [p.path, p.origin])).toEqual([
      ['listenport', `${file}:1:1`],
      ['webui.listenport', `${file}:3:3`],
    ]);
  });

  it('stops on an ill-typed environment variable, naming the variable', () => {
    const problems = problemsOf(() => loadConfig({ env: { LISTENPORT: 'abc', DEBUG: 'maybe' } }));
    expect(problems).toEqual([
      { path: 'listenport', origin: 'environment variable LISTENPORT', message: "expected an integer, got 'abc'" },
      { path: 'debug', origin: 'environment variable DEBUG', message: "expected true or false, got 'maybe'" },
    ]);
  });

  it('rejects a value outside an enumeration', () => {
    const problems = problemsOf(() => loadConfig({ env: { DETECTOR_RULE_MATCHING: 'some' } }));
    expect(problems[0]).toMatchObject({ path: 'detector.rule_matching', origin: 'environment variable DETECTOR_RULE_MATCHING' });
  });

  it('reports YAML syntax errors with file:line:column', () => {
    const file = configFile('broken.yaml', 'listenport: 2801\ndetector:\n  priority: [debug\n');
    expect(() => loadConfig({ file, env: {} })).toThrowError(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    try {
      loadConfig({ file, env: {} });
    } catch (error) {
      expect((error as SakerError).code).toBe('SAKER_ERR_CONFIG_FILE');
    }
  });

  it('reports a missing file and a non-mapping document', () => {
    expect(() => loadConfig({ file: '/nonexistent/saker/absent.yaml', env: {} })).toThrowError(/cannot read config file/);
    const list = configFile('list.yaml', '- a\n- b\n');
    expect(() => loadConfig({ file: list, env: {} })).toThrowError(/top level must be a mapping/);
  });

  it('accepts an empty file as all defaults', () => {
    expect(loadConfig({ file: configFile('empty.yaml', ''), env: {} }).listenport).toBe(2801);
  });
});
