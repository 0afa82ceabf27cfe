// Type-checks every Grafana dashboard JSON given on the command line (default: k8s/addons/dashboards/*.json)
// against @grafana/schema's Dashboard type: each becomes `export const d = <json> satisfies Dashboard;`
// in a .ts file, compiled with `tsc --noEmit --strict`. Wrong types, unknown keys and bad enums fail.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const defaultDir = resolve(here, "../../k8s/addons/dashboards");
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(defaultDir).filter((f) => f.endsWith(".json")).map((f) => join(defaultDir, f));
if (files.length === 0) {
  console.error("no dashboards to check");
  process.exit(2);
}

const work = mkdtempSync(join(here, ".check-"));
try {
  const sources = files.map((file) => {
    const dashboard = JSON.parse(readFileSync(file, "utf8"));
    delete dashboard.__inputs; // share-export keys, not part of the dashboard model
    delete dashboard.__requires;
    const ts = join(work, basename(file, ".json") + ".ts");
    writeFileSync(ts, `import type { Dashboard } from "@grafana/schema";\n`
      + `export const d = ${JSON.stringify(dashboard, null, 2)} satisfies Dashboard;\n`);
    return ts;
  });
  const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext",
      "--moduleResolution", "nodenext", ...sources], { cwd: here, stdio: "pipe" });
  } catch (e) {
    console.error(String(e.stdout) + String(e.stderr));
    console.error(`dashboards failed the @grafana/schema check: ${files.map((f) => basename(f)).join(", ")}`);
    process.exit(1);
  }
  for (const file of files) console.log(`ok ${basename(file)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
