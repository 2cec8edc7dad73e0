/**
 * Alert JSON codec benchmark (issue 3: exact evt.time). Measures in one process, on one core, the
 * codec every boundary uses (contract/json.ts) next to plain JSON.parse / JSON.stringify:
 *   - parse of a Falco alert whose evt.time is 19 digits (the exact path) and of one without a long
 *     integer (the fast path), and the same texts through lossless-json for reference;
 *   - stringify of the parsed alert (bigint path) and of one without a bigint (fast path).
 * Prints alerts/s and ratios to the baseline and writes bench/results/alert-json.json. Not a test.
 *
 *   npx tsx bench/alert-json.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parse as losslessParse } from 'lossless-json';
import { parseJson, stringifyJson } from '../contract/index.js';

const FALCO =
  '{"hostname":"node-1","output":"22:13:20.123456789: Warning Sensitive file opened for reading by non-trusted program ' +
  '(file=/etc/shadow gparent=bash ggparent=sshd evt_type=openat user=root process=cat command=cat /etc/shadow terminal=34816 ' +
  'container_id=host)","output_fields":{"container.id":"host","evt.time":1700000000123456789,"evt.type":"openat",' +
  '"fd.name":"/etc/shadow","proc.aname[2]":"sshd","proc.cmdline":"cat /etc/shadow","proc.tty":34816,"user.loginuid":0,' +
  '"k8s.ns.name":null},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall",' +
  '"tags":["filesystem","host","maturity_stable","mitre_credential_access"],"time":"2023-11-14T22:13:20.123456789Z"}';
const SHORT = FALCO.replace('1700000000123456789', '1700000000');
const ROUNDS = 200_000;

function rate(run: () => unknown): number {
  for (let i = 0; i < ROUNDS / 10; i++) run();
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) run();
  return Math.round(ROUNDS / ((performance.now() - start) / 1000));
}

const parsedLong = parseJson(FALCO);
const parsedShort = JSON.parse(SHORT) as unknown;
const results = {
  date: new Date().toISOString(),
  node: process.version,
  alertBytes: FALCO.length,
  parsePerSecond: {
    jsonParseBaseline: rate(() => JSON.parse(FALCO)),
    codecWithLongInteger: rate(() => parseJson(FALCO)),
    codecWithoutLongInteger: rate(() => parseJson(SHORT)),
    losslessJson: rate(() => losslessParse(FALCO)),
  },
  stringifyPerSecond: {
    jsonStringifyBaseline: rate(() => JSON.stringify(parsedShort)),
    codecWithBigint: rate(() => stringifyJson(parsedLong)),
    codecWithoutBigint: rate(() => stringifyJson(parsedShort)),
  },
};

const p = results.parsePerSecond;
const s = results.stringifyPerSecond;
const ratio = (a: number, b: number): string => (a / b).toFixed(2);
console.log(`parse (alerts/s): JSON.parse ${p.jsonParseBaseline.toLocaleString()} (baseline, loses digits)`);
console.log(`  codec, evt.time 19 digits: ${p.codecWithLongInteger.toLocaleString()} (×${ratio(p.codecWithLongInteger, p.jsonParseBaseline)})`);
console.log(`  codec, no long integer:    ${p.codecWithoutLongInteger.toLocaleString()} (×${ratio(p.codecWithoutLongInteger, p.jsonParseBaseline)})`);
console.log(`  lossless-json:             ${p.losslessJson.toLocaleString()} (×${ratio(p.losslessJson, p.jsonParseBaseline)})`);
console.log(`stringify (alerts/s): JSON.stringify ${s.jsonStringifyBaseline.toLocaleString()} (baseline)`);
console.log(`  codec, with a bigint:      ${s.codecWithBigint.toLocaleString()} (×${ratio(s.codecWithBigint, s.jsonStringifyBaseline)})`);
console.log(`  codec, without:            ${s.codecWithoutBigint.toLocaleString()} (×${ratio(s.codecWithoutBigint, s.jsonStringifyBaseline)})`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/alert-json.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
