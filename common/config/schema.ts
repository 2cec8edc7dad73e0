import { Type, type Static } from '@sinclair/typebox';
import { PRIORITIES } from '../../contract/index.js';
import { OUTPUT_CONFIG_SECTIONS, OUTPUT_INSTANCE_TYPES, routingKeys } from '../../outputs/config-sections.js';

/**
 * Saker's configuration. Top-level keys and the output sections follow falcosidekick's names, so an
 * existing falcosidekick `config.yaml` or environment carries over; the `detector` section follows
 * falco.yaml's names. Every leaf can be overridden by an environment variable named after its path
 * (`slack.webhookurl` → `SLACK_WEBHOOKURL`, `detector.rules_files` → `DETECTOR_RULES_FILES`).
 *
 * Each leaf has a `description` and a `default`: docs are generated from this schema.
 */
const strict = { additionalProperties: false } as const;

const LogLevel = Type.Union(
  ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info', description: 'Log level (Saker addition).' },
);

const PriorityName = Type.Union(
  [...PRIORITIES.map((p) => p.toLowerCase()), 'info'].map((p) => Type.Literal(p)),
  { description: 'A Falco priority, lower-case.' },
);

/** One entry of the detector's `plugins:` list, as falco.yaml writes it. */
const PluginConfigSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: "The plugin's name (must equal the name the plugin declares)." }),
    library: Type.Optional(Type.String({ description: 'Module path (relative to the working directory) or package name; omitted for a built-in.' })),
    library_path: Type.Optional(Type.String({ description: "falco.yaml's name for `library`." })),
    init_config: Type.Optional(Type.Unknown({ description: "Handed to the plugin's init: a string or a map." })),
    open_params: Type.Optional(Type.String({ description: "Handed to the plugin source's open (e.g. a URL or a path)." })),
  },
  strict,
);

export const DetectorConfigSchema = Type.Object(
  {
    rules_files: Type.Array(Type.String(), {
      default: [],
      description: "Rules files or folders, loaded in order. Empty: Saker's own rules.",
    }),
    priority: Type.Union(PriorityName.anyOf, { default: 'debug', description: 'Rules below this priority are not loaded.' }),
    rule_matching: Type.Union([Type.Literal('first'), Type.Literal('all')], {
      default: 'first',
      description: 'Whether an event triggers only the first matching rule or every matching rule.',
    }),
    hostname: Type.String({ default: '', description: 'Hostname written into alerts. Empty: the machine hostname.' }),
    hostroot: Type.String({
      default: '/',
      description: "Where the host's root filesystem is mounted, for user and group names (`/host` in a container with /etc mounted there).",
    }),
    plugins: Type.Array(PluginConfigSchema, {
      default: [],
      description:
        "Plugins the detector may load, as falco.yaml's `plugins:`: `{name, library, init_config, open_params}` each (`library_path` is accepted for `library`). Built-ins (k8saudit, cloudtrail, json) need no library. See docs/plugins.md.",
    }),
    load_plugins: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Names from `plugins` to load, in this order, as falco.yaml: absent loads every entry of `plugins`; empty loads none.',
      }),
    ),
    disable_sources: Type.Array(Type.String(), {
      default: [],
      description:
        "Event sources not to run, like Falco's `--disable-source` (e.g. `[syscall]` to run plugin sources only, without eBPF) (Saker addition).",
    }),
    container_engines: Type.Object(
      {
        docker: Type.Object(
          {
            enabled: Type.Boolean({
              default: true,
              description: 'Look up `container.name`, `container.image*`, `container.privileged` and the `k8s.*` labels from the Docker Engine API (as falco.yaml `container_engines.docker`).',
            }),
            sockets: Type.Array(Type.String(), {
              default: ['/var/run/docker.sock'],
              description: 'Docker API unix sockets, tried in order, below `hostroot`; none present: Docker is not asked, silently (no runtime socket at all: container metadata stays unset).',
            }),
          },
          { ...strict, default: {} },
        ),
        crio: Type.Object(
          {
            enabled: Type.Boolean({
              default: true,
              description: "Look up the same container fields from CRI-O's inspect endpoint (`GET /containers/<id>`) (Saker addition; Falco asks CRI-O through `container_engines.cri`).",
            }),
            sockets: Type.Array(Type.String(), {
              default: ['/var/run/crio/crio.sock'],
              description: 'CRI-O unix sockets, tried in order, below `hostroot`; none present: CRI-O is not asked, silently (Saker addition).',
            }),
          },
          { ...strict, default: {} },
        ),
        containerd: Type.Object(
          {
            enabled: Type.Boolean({
              default: true,
              description: "Look up the same container fields from containerd's containers API over gRPC, and `container.image.digest` from its images API (as falco.yaml `container_engines.containerd`).",
            }),
            sockets: Type.Array(Type.String(), {
              default: ['/run/containerd/containerd.sock', '/run/k3s/containerd/containerd.sock'],
              description: 'containerd unix sockets, tried in order, below `hostroot`; none present: containerd is not asked, silently (Saker addition).',
            }),
            namespaces: Type.Array(Type.String(), {
              default: ['k8s.io', 'moby', 'default'],
              description: 'containerd namespaces searched for a container, in order (Saker addition).',
            }),
          },
          { ...strict, default: {} },
        ),
      },
      { ...strict, default: {} },
    ),
    grpc_output: Type.Object(
      {
        enabled: Type.Boolean({
          default: false,
          description:
            "Send alerts to the sidekick's gRPC ingest instead of HTTP; the spool (`http_output.maxqueued`) and retries are the same (Saker addition).",
        }),
        address: Type.String({ default: '127.0.0.1:5060', description: "The sidekick's gRPC ingest, `host:port` (Saker addition)." }),
        cacertfile: Type.String({
          default: '',
          description: "If set, connect over TLS and trust the server certificate this CA signed; empty: plaintext (Saker addition).",
        }),
      },
      { ...strict, default: {} },
    ),
    http_output: Type.Object(
      {
        url: Type.String({ default: 'http://127.0.0.1:2801/', description: 'Where the detector posts alerts (the sidekick).' }),
        batch: Type.Boolean({
          default: true,
          description:
            "POST batches to `<url>batch` (Saker's sidekick). false: one alert per request to `url`, as Falco's http_output does, for a falcosidekick (Saker addition).",
        }),
        maxqueued: Type.Integer({
          minimum: 1,
          default: 100000,
          description: 'Most alerts kept on disk while the sidekick is unreachable; past it the oldest are dropped and counted (Saker addition).',
        }),
      },
      { ...strict, default: {} },
    ),
    webserver: Type.Object(
      {
        enabled: Type.Boolean({
          default: false,
          description: "Serve the health endpoint (and metrics) over HTTP, as falco.yaml's `webserver`. Off by default in Saker (Falco: on).",
        }),
        listen_address: Type.String({ default: '127.0.0.1', description: 'Address the detector web server listens on (Falco: 0.0.0.0).' }),
        listen_port: Type.Integer({ minimum: 0, maximum: 65535, default: 8765, description: 'Port of the detector web server (0: any free port).' }),
        k8s_healthz_endpoint: Type.String({ default: '/healthz', description: 'Path of the health endpoint; answers `{"status": "ok"}`.' }),
        prometheus_metrics_enabled: Type.Boolean({
          default: false,
          description: 'Also serve Prometheus metrics on `/metrics`: events received, processed and dropped, rule matches, alert queue.',
        }),
      },
      { ...strict, default: {} },
    ),
  },
  { ...strict, default: {} },
);

/** falcosidekick's `tlsserver` section: TLS (and mutual TLS) for the ingest server. */
const TlsServerSchema = Type.Object(
  {
    deploy: Type.Boolean({ default: false, description: 'Serve ingest over TLS instead of plain HTTP.' }),
    certfile: Type.String({ default: '/etc/certs/server/server.crt', description: 'Server certificate file (PEM).' }),
    keyfile: Type.String({ default: '/etc/certs/server/server.key', description: 'Server private key file (PEM).' }),
    mutualtls: Type.Boolean({ default: false, description: 'Require client certificates signed by `cacertfile` (needs `deploy`).' }),
    cacertfile: Type.String({ default: '/etc/certs/server/ca.crt', description: 'CA that signs accepted client certificates.' }),
    notlsport: Type.Integer({ minimum: 1, maximum: 65535, default: 2810, description: 'Port of the plain-HTTP server for `notlspaths`.' }),
    notlspaths: Type.Array(Type.String(), {
      default: [],
      description: 'Paths also served over plain HTTP on `notlsport` when `deploy` is true (e.g. /ping, /healthz, /metrics).',
    }),
  },
  { ...strict, default: {} },
);

/** Saker addition: optional authentication of ingest and of the dead-letter API. */
const AuthSchema = Type.Object(
  {
    bearertoken: Type.String({ default: '', description: 'If set, ingest requires `Authorization: Bearer <token>` (Saker addition).' }),
    username: Type.String({ default: '', description: 'If set with `password`, ingest requires HTTP basic auth (Saker addition).' }),
    password: Type.String({ default: '', description: 'Password for basic auth (Saker addition).' }),
  },
  { ...strict, default: {} },
);

/** Saker addition: the durable outbox and how deliveries are retried. */
const OutboxSchema = Type.Object(
  {
    maxattempts: Type.Integer({ minimum: 1, default: 10, description: 'Delivery attempts per alert and output before it is dead-lettered.' }),
    maxage: Type.Integer({
      minimum: 1,
      default: 86_400,
      description: 'Seconds after receipt after which an undelivered alert is dead-lettered instead of retried.',
    }),
    initialbackoff: Type.Integer({ minimum: 1, default: 1000, description: 'Milliseconds before the first retry; doubles per attempt.' }),
    maxbackoff: Type.Integer({ minimum: 1, default: 300_000, description: 'Upper bound of the retry delay in milliseconds.' }),
    sendtimeout: Type.Integer({ minimum: 1, default: 10_000, description: 'Milliseconds one delivery attempt may take before it counts as failed.' }),
    maxpending: Type.Integer({
      minimum: 1,
      default: 1_000_000,
      description: 'Most pending deliveries on disk; beyond it ingest answers 503 instead of accepting alerts it cannot keep.',
    }),
    draintimeout: Type.Integer({
      minimum: 0,
      default: 10,
      description: 'Seconds to keep delivering after SIGTERM; what is left stays on disk for the next start.',
    }),
  },
  { ...strict, default: {} },
);

/**
 * `outputs.instances` (Saker addition): more outputs, several of one type if need be, each named. An
 * item's own keys (`type`, `name`, `match`, `dedup`) are checked here; the rest are its type's
 * section keys, checked against that section's schema when the outputs are built.
 */
const OutputInstancesSchema = Type.Array(
  Type.Object(
    {
      type: Type.Union(
        OUTPUT_INSTANCE_TYPES.map((t) => Type.Literal(t)),
        { description: 'Output type.' },
      ),
      name: Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
        description: 'Unique output name: its queue, metrics label and dead letters are keyed by it.',
      }),
      ...routingKeys(),
    },
    { additionalProperties: true },
  ),
  {
    default: [],
    description:
      "Named output instances, in addition to the single sections above (which stay the default instances, named `slack`, `kafka`, `sns`, `webhook`). Each item has `type` (webhook, slack, kafka or sns), a unique `name`, optional `match` and `dedup`, and that type's section keys, e.g. `{type: slack, name: slack-prod, match: 'k8s.ns.name = prod', webhookurl: …}`; for sns, the `aws` keys with `sns: {topicarn: …}` inside. Each instance has its own delivery queue, metrics label and dead letters (Saker addition).",
  },
);

export const ConfigSchema = Type.Object(
  {
    listenaddress: Type.String({ default: '', description: 'Address the sidekick listens on. Empty: all interfaces.' }),
    listenport: Type.Integer({ minimum: 1, maximum: 65535, default: 2801, description: 'Sidekick HTTP ingest port.' }),
    debug: Type.Boolean({ default: false, description: 'Log each output payload (falcosidekick compatible).' }),
    loglevel: LogLevel,
    datadir: Type.String({
      default: '.saker',
      description: 'Folder for the outbox, dead letters and alert store (Saker addition).',
    }),
    bodylimit: Type.Integer({
      minimum: 1024,
      default: 1_048_576,
      description: 'Largest accepted request body in bytes; larger gets 413 (Saker addition).',
    }),
    customfields: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'Fields added to every alert\'s output_fields; a value `%NAME` is read from environment variable NAME.',
    }),
    customtags: Type.Array(Type.String(), { default: [], description: 'Tags added to every alert.' }),
    templatedfields: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'Fields added to every alert, each a Go template over output_fields, e.g. `{{ or (index . "k8s.ns.name") "none" }}`.',
    }),
    bracketreplacer: Type.String({
      default: '',
      description: 'If set, replaces `[` in output_fields keys (and drops `]`): `proc.aname[2]` → `proc.aname_2` with `_`.',
    }),
    outputfieldformat: Type.String({
      default: '',
      description:
        'If set, rewrites `output` with the placeholders <timestamp>, <priority>, <output>, <custom_fields> and <templated_fields>.',
    }),
    mutualtlsfilespath: Type.String({
      default: '/etc/certs',
      description: 'Folder with client.crt, client.key and ca.crt for outputs that set `mutualtls`.',
    }),
    mutualtlsclient: Type.Object(
      {
        certfile: Type.String({ default: '', description: 'Client certificate for outputs with `mutualtls` (overrides mutualtlsfilespath).' }),
        keyfile: Type.String({ default: '', description: 'Client key for outputs with `mutualtls`.' }),
        cacertfile: Type.String({ default: '', description: 'CA for the server certificates of outputs with `mutualtls`.' }),
      },
      { ...strict, default: {} },
    ),
    tlsclient: Type.Object(
      {
        cacertfile: Type.String({ default: '', description: 'CA file added to the system pool for outputs\' TLS connections.' }),
      },
      { ...strict, default: {} },
    ),
    tlsserver: TlsServerSchema,
    grpc: Type.Object(
      {
        enabled: Type.Boolean({
          default: false,
          description:
            "Serve gRPC: Saker's ingest (`saker.v1.Ingest`) and Falco 0.43's `falco.outputs.service`, with the same TLS and auth as HTTP ingest (Saker addition).",
        }),
        listenaddress: Type.String({ default: '', description: 'Address the gRPC server listens on. Empty: `listenaddress` (Saker addition).' }),
        listenport: Type.Integer({
          minimum: 1,
          maximum: 65535,
          default: 5060,
          description: "gRPC port; 5060 was Falco's gRPC server port, where its consumers look (Saker addition).",
        }),
        outputsbuffer: Type.Integer({
          minimum: 1,
          default: 1000,
          description:
            'Most alerts held for `falco.outputs` consumers (pending for `get`, or unread by a slow subscriber); past it the oldest are dropped and counted (Saker addition).',
        }),
      },
      { ...strict, default: {} },
    ),
    outputs: Type.Object(
      {
        maxconcurrentrequests: Type.Integer({
          minimum: 0,
          default: 1,
          description: 'Most deliveries in flight at once per output instance; 0 means no limit (capped at 64).',
        }),
        instances: OutputInstancesSchema,
      },
      { ...strict, default: {} },
    ),
    auth: AuthSchema,
    outbox: OutboxSchema,
    webui: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'Serve the web UI and keep alerts in its store (Saker addition).' }),
        listenaddress: Type.String({
          default: '127.0.0.1',
          description: 'Address the web UI listens on. Loopback by default; set 0.0.0.0 (and a password) to expose it (Saker addition).',
        }),
        listenport: Type.Integer({ minimum: 1, maximum: 65535, default: 2802, description: 'Web UI port.' }),
        minimumpriority: Type.String({ default: '', description: 'Minimum priority of alerts kept for the web UI. Empty: all.' }),
        maxage: Type.Integer({ minimum: 0, default: 604800, description: 'Seconds alerts are kept in the web UI store; 0 keeps them forever (Saker addition).' }),
        maxrows: Type.Integer({ minimum: 0, default: 1000000, description: 'Most alerts kept in the web UI store; 0 means no limit (Saker addition).' }),
        maxbytes: Type.Integer({ minimum: 0, default: 1073741824, description: 'Largest size of the web UI store in bytes; 0 means no limit (Saker addition).' }),
        pagecachemb: Type.Integer({
          minimum: 1,
          default: 16,
          description: 'SQLite page cache of the web UI store in MB, part of the sidekick\'s memory: 16 keeps searches of 1,000,000 alerts fast; raise it with maxrows (Saker addition).',
        }),
        username: Type.String({ default: '', description: 'Web UI login user; with a password set, the UI requires a login (Saker addition).' }),
        password: Type.String({
          default: '',
          description: 'Web UI login password, plain or as `scrypt$salt$hash` (Saker addition). Never logged.',
        }),
      },
      { ...strict, default: {} },
    ),
    detector: DetectorConfigSchema,
    ...OUTPUT_CONFIG_SECTIONS,
  },
  strict,
);

export type SakerConfig = Static<typeof ConfigSchema>;
export type DetectorConfig = Static<typeof DetectorConfigSchema>;
