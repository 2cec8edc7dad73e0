import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../common/package-info.js';

const rules = (file: string): string => join(PACKAGE_ROOT, 'rules', file);

/**
 * Saker's own rules per event source, used when no rules files are configured (`detector.rules_files`
 * empty, `saker replay` without `-r`): one file per source, loaded for the sources that run.
 */
export const DEFAULT_RULES_BY_SOURCE: ReadonlyMap<string, string> = new Map([
  ['syscall', rules('saker_rules.yaml')],
  ['k8s_audit', rules('saker_k8s_audit_rules.yaml')],
  ['aws_cloudtrail', rules('saker_cloudtrail_rules.yaml')],
]);
