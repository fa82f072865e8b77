// Used by `codegen.verify` (nox -s verify): runs the generated JavaScript module under Node.js on inputs from a
// JSON file and writes its float32 logits as bit patterns (exact comparison), its prepare() results and what its
// read() finds in pictures of numbers (the text, and each digit's box and float32 logits as bit patterns).
// Usage: node node_runner.mjs MODULE.mjs INPUT.json OUTPUT.json
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [modulePath, inputPath, outputPath] = process.argv.slice(2);
const predictor = await import(pathToFileURL(modulePath).href);
const input = JSON.parse(readFileSync(inputPath, "utf8"));
const bits = input.images.map((image) => Array.from(new Uint32Array(predictor.logits(image).buffer)));
const prepared = input.pictures.map((picture) => Array.from(predictor.prepare(picture)));
const bitsOf = (values) => Array.from(new Uint32Array(Float32Array.from(values).buffer));
const read = input.numbers.map((picture) => {
  const { text, items } = predictor.read(picture, { detail: true });
  return { text, digits: items.filter((item) => item.kind === "digit").map((item) => [item.box, bitsOf(item.logits)]) };
});
writeFileSync(outputPath, JSON.stringify({ bits, prepared, read }));
