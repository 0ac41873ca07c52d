#!/usr/bin/env node
// A Cosmos DB API server for the adapter's tests: @vercel/cosmosdb-server with two of its
// handlers wrapped at load time (node_modules stays untouched). See ../../../../shared/research/cosmos.md.
//
//  1. Query plans. On Linux the .NET SDK asks the gateway for a query plan before ORDER BY/TOP
//     queries (header x-ms-cosmos-is-query-plan-request). The server would run the query and
//     answer documents instead, which the SDK cannot read. We answer a plan with no special
//     features over the one partition-key range the server has ("" to "FF"), so the SDK sends the
//     query through unchanged and the server evaluates ORDER BY and TOP itself. That is only right
//     because this server has exactly one range.
//  2. Missing items. A point read of an id that is not there (or is there under another
//     partition key) crashes the server's read handler with a 500; we answer 404 as Cosmos does.
//  3. Patch conditions (PatchItemRequestOptions.FilterPredicate). The server lower-cases the
//     condition and evaluates it over every item with the same id in any partition; we evaluate
//     it, as written, on the one item being patched (412 when it does not hold, as Cosmos does).
//
// Usage: node shim.js [--port N] [--no-ssl] [--log] [--exit-with-stdin]
//   --port 0 (the default, or COSMOS_PORT) takes a free port. Binds 127.0.0.1 only. Storage is
//   in memory: every start is empty. Any key is accepted.
//   Prints one line "cosmosdb-server listening at <endpoint>" when ready, for scripts and tests.
//   Stops on SIGTERM/SIGINT, and with --exit-with-stdin also when stdin closes (a test process
//   that starts it holds the pipe, so the server dies with it).
"use strict";

const handlerModule = name => require(`@vercel/cosmosdb-server/lib/handler/${name}`);
const queryDocuments = handlerModule("query-documents");
const readDocument = handlerModule("read-document");
const patchDocument = handlerModule("patch-document");
const { patchOperation } = handlerModule("_patch-operations");
const readJson = require("@vercel/cosmosdb-server/lib/json").default;
const cosmosQuery = require("@zeit/cosmosdb-query").default;
const { parsePartitionKey } = require("@vercel/cosmosdb-server/lib/utils/get-partition-from-header");

const isTrue = value => (Array.isArray(value) ? value : [value]).some(v => typeof v === "string" && v.toLowerCase() === "true");

// The shape the SDK reads (PartitionedQueryExecutionInfo): nothing for the client to do itself.
const passThroughPlan = () => ({
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: "None",
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: false,
    dCountInfo: null,
    hasNonStreamingOrderBy: false
  },
  queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
});

const originalQuery = queryDocuments.default;
queryDocuments.default = async (account, req, res, params) => {
  if (isTrue(req.headers["x-ms-cosmos-is-query-plan-request"])) {
    // The body (the query) is not needed, but drain it so the connection stays usable.
    for await (const chunk of req) void chunk;
    res.statusCode = 200;
    return passThroughPlan();
  }
  return originalQuery(account, req, res, params);
};

const notFound = res => {
  res.statusCode = 404;
  return { code: "NotFound", message: "Entity with the specified id does not exist in the system." };
};

const originalRead = readDocument.default;
readDocument.default = (account, req, res, params) => {
  const collection = account.database(params.dbId).collection(params.collId);
  if (collection.read() && !isTrue(req.headers["x-ms-documentdb-query-enablecrosspartition"])) {
    const header = req.headers["x-ms-documentdb-partitionkey"];
    let partitionKey;
    try {
      partitionKey = parsePartitionKey(Array.isArray(header) ? header[0] : header, params.docId);
    } catch {
      return originalRead(account, req, res, params);
    }
    if (!collection.document(params.docId, partitionKey).read()) {
      return notFound(res);
    }
  }
  return originalRead(account, req, res, params);
};

patchDocument.default = async (account, req, res, params) => {
  const body = await readJson(req);
  const operations = Array.isArray(body) ? body : body && Array.isArray(body.operations) ? body.operations : null;
  if (!operations) {
    res.statusCode = 400;
    return { code: "BadRequest", message: "Invalid patch request: check syntax of patch specification." };
  }
  const collection = account.database(params.dbId).collection(params.collId);
  const partitionHeader = req.headers["x-ms-documentdb-partitionkey"];
  const condition = Array.isArray(body) ? undefined : body.condition;
  if (condition) {
    const document = collection.read()
      ? collection.document(params.docId, parsePartitionKey(Array.isArray(partitionHeader) ? partitionHeader[0] : partitionHeader, params.docId)).read()
      : undefined;
    if (!document) {
      return notFound(res);
    }
    const text = condition.trim();
    const sql = /^from\s/i.test(text) ? `SELECT * ${text}` : /^where\s/i.test(text) ? `SELECT * FROM c ${text}` : text;
    let holds;
    try {
      holds = cosmosQuery(sql).exec([document], {}).result.length > 0;
    } catch (error) {
      res.statusCode = 400;
      return { code: "BadRequest", message: `Invalid condition in patch request: ${error.message}` };
    }
    if (!holds) {
      res.statusCode = 412;
      return { code: "PreconditionFailed", message: "Condition specified in the patch request is not satisfied." };
    }
  }
  const result = patchOperation(collection, {
    id: params.docId,
    partitionKey: Array.isArray(partitionHeader) ? partitionHeader[0] : partitionHeader,
    ifMatch: req.headers["if-match"],
    operations,
    condition: undefined
  });
  res.statusCode = result.statusCode;
  return result.body;
};

// Loaded only now: the route table captures the handlers' exports when it is built.
const { createHttpServer, createHttpsServer } = require("@vercel/cosmosdb-server");

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const portText = option("--port") ?? process.env.COSMOS_PORT ?? "0";
if (!/^\d+$/.test(portText)) {
  console.error(`shim.js: --port must be a number, not '${portText}'`);
  process.exit(2);
}
const port = parseInt(portText, 10);
const ssl = !args.includes("--no-ssl");
const log = args.includes("--log");

const server = (ssl ? createHttpsServer : createHttpServer)({ keepAlive: true });
if (log) {
  server.prependListener("request", (req, res) => {
    res.on("finish", () => console.log(`${req.method} ${req.url} -> ${res.statusCode}`));
  });
}
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
  const endpoint = `${ssl ? "https" : "http"}://127.0.0.1:${server.address().port}/`;
  console.log(`cosmosdb-server listening at ${endpoint}`);
});

// Keep-alive sockets would hold close() open: end them too.
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (args.includes("--exit-with-stdin")) {
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
