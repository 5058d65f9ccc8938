// Bundle the web app for the browser (`node web/app/build.mjs`, run by `make install`): one ES
// module and one stylesheet under static/app/, served by peoplegraph at / (nothing from a CDN).
// Operations are imported from operations/*.graphql as `{ documentId, text }`: the app sends the
// id (the server registers the same files as the web client's trusted documents at start-up,
// auth/oauth/documents.py, and that client runs nothing else), and the text where a protocol
// needs one (graphql-ws requires `query`; identical text is accepted as the document).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
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
  plugins: [trustedOperations()],
  logLevel: "warning",
});

function trustedOperations() {
  return {
    name: "trusted-operations",
    setup(builder) {
      builder.onLoad({ filter: /\.graphql$/ }, async ({ path }) => {
        // Hashed as Python's read_text() sees the file, so normalize line ends the same way.
        const text = (await readFile(path, "utf8")).replace(/\r\n?/g, "\n");
        const documentId = `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
        return { contents: `export default ${JSON.stringify({ documentId, text })};`, loader: "js" };
      });
    },
  };
}
