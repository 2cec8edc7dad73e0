/** A plugin whose init throws (bad init_config, say): it must be left out, named, without stopping others. */
import { definePlugin } from '../../../detector/plugins/api.js';

export default definePlugin(() => ({
  name: 'initfails',
  version: '0.1.0',
  description: 'Throws in init',
  fields: [{ name: 'initfails.x', type: 'string', description: 'never used', extract: () => 'x' }],
  init() {
    throw new Error('cannot reach the backend');
  },
}));
