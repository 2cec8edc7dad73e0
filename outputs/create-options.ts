/** Options the sidekick may pass to every output it creates, beyond the output's own config section. */
export interface OutputCreateOptions {
  /** falcosidekick's `mutualtlsfilespath`: where `mutualtls: true` finds client.crt, client.key and ca.crt. */
  mutualTlsFilesPath?: string;
  /** falcosidekick's `mutualtlsclient.*`: explicit files for `mutualtls: true`, taking precedence over the folder. */
  mutualTlsClient?: { certfile?: string; keyfile?: string; cacertfile?: string };
  /** falcosidekick's `tlsclient.cacertfile`: a CA every output trusts in addition to the system's. */
  tlsClientCaCertFile?: string;
  /** Clock in milliseconds (signatures, rate limits, threads); tests pin it. */
  now?: () => number;
}
