// Runs a CloudFront Function (cloudfront-js-2.0) in Node the way CloudFront would, as far as Node can:
// the code alone in a fresh V8 context that has only what the CloudFront runtime offers (no `process`,
// timers, `fetch`, file or network access; `require` of CloudFront's own modules only), the 10 KB size
// limit, a `handler` function, and a time budget per call. Reads {"code", "events"} as JSON on stdin and
// writes {"results": [...]} (each the returned object, or {"error"}) or {"refused"} as JSON on stdout.
import vm from "node:vm";
import { readFileSync } from "node:fs";
import { Buffer } from "node:buffer";
import crypto from "node:crypto";
import querystring from "node:querystring";

const MAX_CODE_BYTES = 10240; // the published size limit of a function's code
const BUDGET_MS = 1000; // catches a function that never returns; CloudFront's own compute limit is far stricter
const MODULES = { crypto, querystring, buffer: { Buffer } }; // "cloudfront" (KeyValueStore) is not used

function refuse(reason) {
  process.stdout.write(JSON.stringify({ refused: reason }));
  process.exit(0);
}

const input = JSON.parse(readFileSync(0, "utf8"));
const code = input.code;
if (Buffer.byteLength(code, "utf8") > MAX_CODE_BYTES) refuse(`code is over ${MAX_CODE_BYTES} bytes`);

const logs = [];
const sandbox = {
  console: { log: (...args) => logs.push(args.join(" ")) },
  require: (name) => {
    if (!(name in MODULES)) throw new Error(`module '${name}' is not available in CloudFront Functions`);
    return MODULES[name];
  },
  String, Number, Boolean, Object, Array, JSON, Math, Date, RegExp, Error, TypeError, RangeError,
  Promise, Map, Set, parseInt, parseFloat, isNaN, isFinite, encodeURIComponent, decodeURIComponent,
  encodeURI, decodeURI, escape, unescape, atob, btoa, TextEncoder, TextDecoder,
};
const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
try {
  new vm.Script(code, { filename: "function.js" }).runInContext(context, { timeout: BUDGET_MS });
} catch (error) {
  refuse(`the code does not load: ${error.message}`);
}
if (typeof context.handler !== "function") refuse("the code defines no `handler` function");

const results = [];
for (const event of input.events) {
  context.__event = event;
  try {
    const out = new vm.Script("handler(__event)").runInContext(context, { timeout: BUDGET_MS });
    results.push(out instanceof Promise ? await out : out);
  } catch (error) {
    results.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify({ results, logs }));
