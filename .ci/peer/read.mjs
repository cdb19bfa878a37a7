// Reads images with zxing-cpp (npm zxing-wasm) for `make bench`: the peer
// that the reader's read rates are set beside. Benchmark only, never a
// runtime dependency.
//
// Input (stdin): one image a line, "path<TAB>formats" (formats as
// zxing-wasm names them, comma-separated). Output (stdout): one JSON line
// an image, {"path":..., "text":... or null}, in the input's order.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";

// Node has no fetch of a file URL: hand the module its wasm directly.
const wasm = createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm");
await prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasm) }, fireImmediately: true });

const lines = readFileSync(0, "utf8").split("\n").filter((l) => l !== "");
for (const line of lines) {
  const [path, formats] = line.split("\t");
  let text = null;
  try {
    // zxing-cpp's defaults: try harder, rotated, inverted, downscaled.
    const res = await readBarcodes(readFileSync(path), {
      formats: formats.split(","),
      maxNumberOfSymbols: 1,
    });
    if (res.length > 0 && res[0].isValid) text = res[0].text;
  } catch (e) {
    process.stderr.write(`${path}: ${e}\n`);
  }
  process.stdout.write(JSON.stringify({ path, text }) + "\n");
}
