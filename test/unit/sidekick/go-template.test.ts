import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../../sidekick/index.js';
import type { SakerError } from '../../../common/errors.js';

const fields = { 'k8s.ns.name': 'prod', 'proc.name': 'bash', 'user.uid': 0, port: 443, tags: ['a', 'b'], nothing: null };

describe('templatedfields templates (Go text/template subset)', () => {
  it.each([
    ['{{ index . "k8s.ns.name" }}', 'prod'],
    ['{{ or (index . "k8s.ns.labels.foo") "bar" }}', 'bar'],
    ['{{ or (index . "k8s.ns.name") "bar" }}', 'prod'],
    ['ns={{ index . "k8s.ns.name" }}/{{ index . "proc.name" }}', 'ns=prod/bash'],
    ['{{ .port }}', '443'],
    ['{{ index . "missing" }}', '<no value>'],
    ['{{ .nothing }}', '<no value>'],
    ['{{ index . "user.uid" }}', '0'],
    ['{{ eq (index . "k8s.ns.name") "prod" }}', 'true'],
    ['{{ index . "proc.name" | printf "proc=%s" }}', 'proc=bash'],
    ['{{ len .tags }}', '2'],
    ['{{ .tags }}', '[a b]'],
    ['{{ not (index . "nothing") }}', 'true'],
    ['a {{- " b " -}} c', 'a b c'],
  ])('renders %s', (source, expected) => {
    expect(compileTemplate(source)(fields)).toBe(expected);
  });

  it.each([['{{ if .x }}y{{ end }}'], ['{{ index . "a" '], ['{{ }}'], ['{{ "unterminated }}'], ['{{ .a .b }}']])(
    'rejects unsupported or broken template %s with SAKER_ERR_TEMPLATE',
    (source) => {
      expect(() => compileTemplate(source)).toThrow();
      try {
        compileTemplate(source);
      } catch (error) {
        expect((error as SakerError).code).toBe('SAKER_ERR_TEMPLATE');
      }
    },
  );
});
