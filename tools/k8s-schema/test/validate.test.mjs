// node --test: the validator reports each problem with kind/name and field, and its exit code says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../validate.mjs", import.meta.url));
const run = (input, args = []) => spawnSync(process.execPath, [script, ...args, "-"], { input, encoding: "utf8" });

test("valid pod and deployment: exit 0, no output", () => {
  const r = run(`apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {a: b}}
  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
`);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
});

test("wrong type and missing field: one line each naming the object and field, exit 1", () => {
  const r = run(`apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec: {containers: [{name: app, image: nginx, ports: [{containerPort: "eighty"}]}, {image: x}]}
`);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Pod\/shop\/web spec\.containers\.0\.ports\.0\.containerPort: must be integer/);
  assert.match(r.stdout, /Pod\/shop\/web spec\.containers\.1\.name: must have required property/);
});

test("unknown kind without a CRD: reported, exit 1", () => {
  const r = run(`apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
`);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Widget\/w apiVersion\/kind: no schema known/);
});

test("custom resource checked against a CRD given in the same stream", () => {
  const r = run(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: n}
spec: {size: big}
`);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Widget\/n\/w spec\.size: must be integer/);
});

test("YAML that does not parse: exit 2", () => {
  const r = run("a: [b\n");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /does not parse/);
});
