/** A plugin whose source cannot open (an unreachable endpoint, say). */
import { definePlugin } from '../../../detector/plugins/api.js';

export default definePlugin(() => ({
  name: 'openfails',
  version: '0.1.0',
  description: 'Its source never opens',
  source: {
    name: 'openfails',
    open() {
      throw new Error('connection refused');
    },
  },
}));
