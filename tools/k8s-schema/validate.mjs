#!/usr/bin/env node
// Validates Kubernetes YAML documents against the schemas bundled in kubernetes-models.
//
//   node tools/k8s-schema/validate.mjs [--crds FILE_OR_DIR]... [FILE_OR_DIR|-]...
//
// Reads every YAML document of the given files (directories: their *.yaml / *.yml files, sorted;
// "-" or no argument: stdin). Built-in kinds are checked with kubernetes-models' schema for their
// apiVersion and kind; custom resources with the openAPIV3Schema of a CustomResourceDefinition
// found among the inputs or in --crds. Each problem is printed as one line:
//
//   <source>#<doc index> <Kind>/<namespace>/<name> <field path>: <message>
//
// Exit code: 0 when every document is valid, 1 when any is not (or has no known schema),
// 2 on a usage error (an unreadable file, YAML that does not parse).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const BUILTIN_GROUPS = new Set([
  "admissionregistration.k8s.io", "apps", "authentication.k8s.io", "authorization.k8s.io",
  "autoscaling", "batch", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
  "events.k8s.io", "extensions", "flowcontrol.apiserver.k8s.io", "networking.k8s.io",
  "node.k8s.io", "policy", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io",
  "storage.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
]);

/** Loads the model class of a built-in apiVersion/kind, or undefined. */
async function builtinModel(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group !== "" && !BUILTIN_GROUPS.has(group)) return undefined;
  const modulePath = group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  let mod;
  try {
    mod = await import(modulePath);
  } catch {
    return undefined;
  }
  return Object.values(mod).find((c) => typeof c === "function" && c.kind === kind && c.apiVersion === apiVersion);
}

function listFiles(arg) {
  if (arg === "-") return ["-"];
  if (statSync(arg).isDirectory()) {
    return readdirSync(arg).filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((f) => listFiles(join(arg, f)));
  }
  return [arg];
}

function readDocuments(source) {
  const text = readFileSync(source === "-" ? 0 : source, "utf8");
  const docs = parseAllDocuments(text);
  const out = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(`${source}#${index}: YAML does not parse: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push({ source, index, value });
  });
  return out;
}

function objectName(obj) {
  const kind = obj?.kind ?? "<no kind>";
  const meta = obj?.metadata ?? {};
  const name = meta.name ?? meta.generateName ?? "<no name>";
  return meta.namespace ? `${kind}/${meta.namespace}/${name}` : `${kind}/${name}`;
}

function fieldOf(err) {
  const path = err.instancePath.replace(/^\//, "").replace(/\//g, ".") || "<root>";
  const missing = err.params?.missingProperty;
  return missing ? (path === "<root>" ? missing : `${path}.${missing}`) : path;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
addFormats(ajv);
const crdValidators = new Map(); // "group/version Kind" -> ajv validate function

function registerCrd(crd) {
  const spec = crd.spec ?? {};
  for (const v of spec.versions ?? []) {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) continue;
    crdValidators.set(`${spec.group}/${v.name} ${spec.names?.kind}`, ajv.compile(stripK8sExtensions(schema)));
  }
}

/** Drops x-kubernetes-* keywords ajv does not know, keeping embedded/int-or-string meaning loose. */
function stripK8sExtensions(schema) {
  if (Array.isArray(schema)) return schema.map(stripK8sExtensions);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith("x-kubernetes-")) continue;
    out[k] = stripK8sExtensions(v);
  }
  if (schema["x-kubernetes-int-or-string"]) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  return out;
}

async function validateDocument(doc) {
  const obj = doc.value;
  const where = `${doc.source}#${doc.index} ${objectName(obj)}`;
  if (typeof obj !== "object" || Array.isArray(obj)) return [`${where} <root>: not a mapping`];
  if (!obj.apiVersion || !obj.kind) {
    return [`${where} ${obj.apiVersion ? "kind" : "apiVersion"}: is required`];
  }
  const crdCheck = crdValidators.get(`${obj.apiVersion} ${obj.kind}`);
  if (crdCheck) {
    return crdCheck(obj) ? [] : crdCheck.errors.map((e) => `${where} ${fieldOf(e)}: ${e.message}`);
  }
  const Model = await builtinModel(obj.apiVersion, obj.kind);
  if (!Model) return [`${where} apiVersion/kind: no schema known for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    return e.errors.map((err) => `${where} ${fieldOf(err)}: ${err.message}`);
  }
}

async function main(argv) {
  const inputs = [];
  const crdSources = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--crds") crdSources.push(argv[++i]);
    else if (argv[i] === "-h" || argv[i] === "--help") {
      console.log("usage: validate.mjs [--crds FILE_OR_DIR]... [FILE_OR_DIR|-]...");
      return 0;
    } else inputs.push(argv[i]);
  }
  if (inputs.length === 0) inputs.push("-");
  let docs;
  try {
    for (const doc of crdSources.flatMap(listFiles).flatMap(readDocuments)) {
      if (doc.value?.kind === "CustomResourceDefinition") registerCrd(doc.value);
    }
    docs = inputs.flatMap(listFiles).flatMap(readDocuments);
  } catch (e) {
    console.error(`k8s-schema: ${e.message}`);
    return 2;
  }
  docs.filter((d) => d.value?.kind === "CustomResourceDefinition").forEach((d) => registerCrd(d.value));
  let problems = 0;
  for (const doc of docs) {
    for (const line of await validateDocument(doc)) {
      console.log(line);
      problems++;
    }
  }
  console.error(`k8s-schema: ${docs.length} document(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
