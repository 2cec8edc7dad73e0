import { ALERT_SCHEMA_VERSION } from '../../contract/index.js';
import { FALCO_ENGINE_VERSION } from '../../detector/engine/version.js';
import { SAKER_VERSION } from '../../common/package-info.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../context.js';

export const versionCommand: CommandModule = (program, { io, action }) => {
  program
    .command('version')
    .description('print the versions of Saker, its rules engine and the alert schema')
    .option('--json', 'print one JSON object')
    .action(
      action<{ json?: boolean }>(async (options) => {
        const versions = { saker: SAKER_VERSION, engine: FALCO_ENGINE_VERSION, alert_schema: ALERT_SCHEMA_VERSION };
        io.out(
          options.json
            ? `${JSON.stringify(versions)}\n`
            : `saker ${versions.saker}\nrules engine ${versions.engine} (Falco engine version)\nalert schema ${versions.alert_schema}\n`,
        );
        return EXIT.OK;
      }),
    );
};
