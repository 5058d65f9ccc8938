// Bundle the web app for the browser (`node web/app/build.mjs`, run by `make install`): one ES
// module and one stylesheet under static/app/, served by peoplegraph at / (nothing from a CDN).
// Operations are imported as text from operations/*.graphql.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

await build({
  entryPoints: [`${here}src/main.js`],
  outfile: `${here}../../static/app/app.js`,
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  sourcemap: true,
  loader: { ".graphql": "text" },
  logLevel: "warning",
});
