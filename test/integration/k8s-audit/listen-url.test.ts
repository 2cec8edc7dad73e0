import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../support/error-code.js';
import { parseListenUrl } from '../../../detector/sources/k8s-audit/listen-url.js';

/** The webhook's listen URL reads as the k8saudit plugin's open_params (Go's url.Parse + http.Server Addr). */
describe('k8s audit listen URL', () => {
  it.each([
    ['http://:9765/k8s-audit', { protocol: 'http', host: undefined, port: 9765, path: '/k8s-audit' }],
    ['https://:9765/k8s-audit', { protocol: 'https', host: undefined, port: 9765, path: '/k8s-audit' }],
    ['http://127.0.0.1:0/k8s-audit', { protocol: 'http', host: '127.0.0.1', port: 0, path: '/k8s-audit' }],
    ['http://localhost:8080/audit/events', { protocol: 'http', host: 'localhost', port: 8080, path: '/audit/events' }],
    ['http://[::1]:9765/k8s-audit', { protocol: 'http', host: '::1', port: 9765, path: '/k8s-audit' }],
    ['  http://:9765/k8s-audit?x=1 ', { protocol: 'http', host: undefined, port: 9765, path: '/k8s-audit' }],
  ])('%s', (text, expected) => {
    expect(parseListenUrl(text)).toEqual(expected);
  });

  it.each([
    ['/var/log/audit.log', 'a file path is the replay reader, not the webhook'],
    ['tcp://:9765/k8s-audit', 'another scheme'],
    ['http://:9765', 'no path'],
    ['http:///k8s-audit', 'no port'],
    ['http://host/k8s-audit', 'no port'],
    ['http://:99999/k8s-audit', 'port out of range'],
    ['http://a:b:9765/k8s-audit', 'garbage host'],
  ])('refuses %s (%s) with SAKER_ERR_SOURCE_PARAMS', (text) => {
    expect(errorCodeOf(() => parseListenUrl(text))).toBe('SAKER_ERR_SOURCE_PARAMS');
  });
});
