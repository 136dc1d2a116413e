// Copies the libraries' browser builds into the Django static folder, with their licences.
// Run `npm ci && npm run build` after changing package.json; commit what it writes.
import { copyFileSync, mkdirSync } from "node:fs";

const out = "../onprem/dashboard/static/vendor";
const files = [
  ["node_modules/chart.js/dist/chart.umd.min.js", "chart.umd.min.js"],
  ["node_modules/chart.js/LICENSE.md", "chart.js.LICENSE.md"],
];
mkdirSync(out, { recursive: true });
for (const [from, to] of files) {
  copyFileSync(from, `${out}/${to}`);
  console.log(`${from} -> ${out}/${to}`);
}
