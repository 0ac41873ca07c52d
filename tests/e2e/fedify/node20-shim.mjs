// Fedify 2.x declares node>=22. On Node 20 one global is missing: importJwk (called when a
// queued activity is signed) reads `navigator.userAgent`, and `navigator` is undeclared there.
// Imported before @fedify/fedify so the global exists whenever Fedify looks at it.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node}` };
