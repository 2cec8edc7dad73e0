import { Type } from '@sinclair/typebox';

/**
 * Config building blocks every output section shares. falcosidekick's per-output keys come first
 * (`minimumpriority`, `checkcert`, `mutualtls`); the certificate file keys are Saker's additions.
 */

/** falcosidekick's `<output>.minimumpriority`; read by the sidekick's router, not by the output. */
export const minimumPriorityKey = () =>
  Type.String({
    default: '',
    description: 'Lowest priority sent to this output (any case, `info` accepted). Empty: every alert.',
  });

/** TLS keys for outputs that dial HTTPS or TLS peers. */
export const tlsKeys = () => ({
  checkcert: Type.Boolean({ default: true, description: "Verify the peer's TLS certificate (falcosidekick compatible)." }),
  mutualtls: Type.Boolean({
    default: false,
    description:
      'Present a client certificate (falcosidekick compatible). Files not set here default to client.crt, client.key and ca.crt under /etc/certs, as in falcosidekick.',
  }),
  cacertfile: Type.String({ default: '', description: 'PEM file of extra CAs to trust for this output (Saker addition).' }),
  certfile: Type.String({ default: '', description: 'PEM client certificate for mutual TLS (Saker addition).' }),
  keyfile: Type.String({ default: '', description: 'PEM private key of the client certificate (Saker addition).' }),
});

/** Object options every section uses: strict keys and an empty default so the section may be omitted. */
export const section = { additionalProperties: false, default: {} } as const;
