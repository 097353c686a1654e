// The layering of src/, as lint rules (run by test/unit/layers.test.ts in `npm test`).
//
// Bottom to top; a lower layer never imports a higher one (each rule below says what a folder
// may import):
//   status                   the service-status contract (types, a tracker, the reconcile plan):
//                            a leaf every layer may use to report its background work
//   gocompat                 ports of Go's standard library (value syntax, media types, sniffing,
//                            MIME table, HTTP dates and ranges, URL queries, JSON formatting):
//                            a leaf every layer may use to behave and speak as upstream does
//   log                      the Logger every layer is handed, and the process logger (pino with
//                            glog's levels, files and flags) the cli builds: a leaf every layer may use
//   storage                  formats and volumes: the lowest layer, no protocol inside
//   ec                       erasure coding; ec/codec/ is the Reed-Solomon codec with its worker
//                            pool and the worker-thread task modules it loads
//   store                    disk locations and the set of volumes
//   security                 TLS, JWT, security config: a leaf every client and server may use
//   proto                    the gRPC loader and the generated message types: a leaf for the
//                            protocol layers (clients, servers, cli)
//   remote                   S3 clients, and the s3 tier backend storage creates through the
//                            backend type the cli registers (may use storage and security)
//   cluster                  outgoing clients: to the master (heartbeat, lookups, notices) and
//                            to peer volume servers (file copies, remote EC shards)
//   server/{http,grpc,metrics}  incoming protocol adapters
//   cli                      flags and process lifecycle: nothing imports it
// Type-only imports count: with tsPreCompilationDeps an `import type` ties layers together
// just like a value import does.

// A folder's own modules, as a path regex.
const inside = (...folders) => `^src/(${folders.join('|')})/`;

/** A rule that `from` folders import, within src/, only themselves and the `allowed` folders. */
const mayOnlyImport = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: inside(...from) },
  // Every layer may report its background work through the status contract, use Go's syntax, and log.
  to: { path: '^src/', pathNot: inside(...from, ...allowed, 'status', 'gocompat', 'log') },
});

// Network protocol libraries: the layers below the servers stay free of them.
const PROTOCOL_LIBRARIES = '(^|/)node_modules/(hono|undici|@hono/[^/]+|@grpc/[^/]+|@aws-sdk/[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'status-is-a-leaf',
      comment: 'status (the service-status contract) imports no other folder of src, so every layer can report through it.',
      severity: 'error',
      from: { path: inside('status') },
      to: { path: '^src/', pathNot: inside('status') },
    },
    {
      name: 'gocompat-is-a-leaf',
      comment: "gocompat (ports of Go's standard library) imports no other folder of src, so every layer can use it.",
      severity: 'error',
      from: { path: inside('gocompat') },
      to: { path: '^src/', pathNot: inside('gocompat') },
    },
    {
      name: 'log-is-a-leaf',
      comment: 'log (the Logger type and the process logger) imports no other folder of src, so every layer can log.',
      severity: 'error',
      from: { path: inside('log') },
      to: { path: '^src/', pathNot: inside('log') },
    },
    mayOnlyImport(
      'storage-is-the-lowest-layer',
      'storage (formats and volumes) imports no other folder of src: every other layer builds on it.',
      ['storage'],
      [],
    ),
    mayOnlyImport(
      'ec-builds-on-storage-only',
      'ec (with its codec and worker modules) may use storage, nothing above it: the store and the servers call ec, not the reverse.',
      ['ec'],
      ['storage'],
    ),
    mayOnlyImport(
      'store-builds-on-ec-and-storage-only',
      'the store (disk locations, the set of volumes) may use ec and storage; it knows nothing of clients, servers or the cli.',
      ['store'],
      ['ec', 'storage'],
    ),
    mayOnlyImport(
      'security-is-a-leaf',
      'security (TLS, JWT, security config) imports no other folder of src, so every client and server can use it.',
      ['security'],
      [],
    ),
    mayOnlyImport(
      'remote-builds-on-storage-and-security-only',
      'remote (S3 clients) is a support layer: it may use storage (e.g. to implement a tier backend) and security, not ec, the store, clients or servers.',
      ['remote'],
      ['storage', 'security'],
    ),
    mayOnlyImport(
      'cluster-below-the-servers',
      'cluster (outgoing clients to the master and to peers) reports and fills the store and speaks the wire format (proto/); it must not reach into the server adapters, remote or the cli.',
      ['cluster'],
      ['store', 'ec', 'storage', 'security', 'proto'],
    ),
    {
      name: 'metrics-below-the-other-adapters',
      comment: 'server/metrics is instrumentation the http and grpc adapters use; it must not import them (or the cli).',
      severity: 'error',
      from: { path: inside('server/metrics') },
      to: { path: inside('server/http', 'server/grpc', 'cli') },
    },
    {
      name: 'http-and-grpc-adapters-are-independent',
      comment: 'the http and grpc adapters each call the store directly; neither imports the other (shared code moves down a layer).',
      severity: 'error',
      from: { path: '^src/server/(http|grpc)/' },
      to: { path: '^src/server/(http|grpc)/', pathNot: '^src/server/$1/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'cli (flags, process lifecycle) is the top layer: it wires everything together and nothing depends on it.',
      severity: 'error',
      from: { path: '^src/', pathNot: inside('cli') },
      to: { path: inside('cli') },
    },
    mayOnlyImport(
      'proto-is-a-leaf',
      'proto (the gRPC loader and the generated message types) imports no other folder of src, so every client and server can use it.',
      ['proto'],
      [],
    ),
    {
      name: 'proto-only-in-protocol-layers',
      comment:
        'the loader and the generated gRPC message types are protocol: only server/, cluster/ and cli/ may import them (even `import type` would tie storage, ec or the store to the wire format).',
      severity: 'error',
      from: { path: '^src/', pathNot: inside('server', 'cluster', 'cli', 'proto') },
      to: { path: inside('proto') },
    },
    {
      name: 'generated-is-self-contained',
      comment: 'the generated modules are rewritten by `npm run gen:proto`, so they may only import each other.',
      severity: 'error',
      from: { path: inside('proto/generated') },
      to: { path: '^src/', pathNot: inside('proto/generated') },
    },
    {
      name: 'no-network-protocol-below-the-servers',
      comment: 'storage, ec and the store hold no protocol: http/grpc/S3 libraries belong to the adapters and the client layers.',
      severity: 'error',
      from: { path: inside('storage', 'ec', 'store') },
      to: { path: PROTOCOL_LIBRARIES },
    },
    {
      name: 'no-cycles-between-folders',
      comment:
        'a cycle that leaves its folder means two layers depend on each other; cycles inside one folder are that folder\'s own business. ec/codec/ counts as a folder of its own, so the codec and the rest of ec never depend on each other in a circle.',
      severity: 'error',
      from: { path: '^src/(server/[^/]+|ec/codec|[^/]+)/' },
      to: { circular: true, via: { pathNot: '^src/$1/' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // No knownViolations: every import against the layers fails (test/unit/layers.test.ts also
    // fails if such a list is added).
  },
};
