/**
 * Checks every tokens/*.yaml the way the Pulumi program will, without Pulumi, LogScale or any
 * credential: the first job of a pull request, so a typo fails in seconds with the file, the
 * token and the field.
 *
 *   npm run check-tokens
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { loadTokenFile, TokenFileError } from "../tokens";

const directory = path.join(__dirname, "..", "tokens");
const files = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file)).sort();
let failed = false;
for (const file of files) {
  const display = path.join("tokens", file);
  try {
    const tokens = loadTokenFile(path.join(directory, file), display);
    console.log(`${display}: ${tokens.length} token${tokens.length === 1 ? "" : "s"} OK`);
  } catch (error) {
    if (!(error instanceof TokenFileError)) throw error;
    console.error(error.message);
    failed = true;
  }
}
if (files.length === 0) {
  console.error(`no token files in ${directory}`);
  failed = true;
}
process.exitCode = failed ? 1 : 0;
