// `npm run lint:deps`: checks src/ (and the browser console, console/) against the layering and cycle rules in .dependency-cruiser.cjs.
// Not the bare depcruise CLI: that exits with the number of violations, which the OS cuts to 8 bits,
// so exactly 256 (or 512, …) violations would exit 0 and pass CI. Here any violation exits 1.
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";

const options = await extractDepcruiseOptions("./.dependency-cruiser.cjs");
const result = await cruise(["src", "console/src"], { ...options, outputType: "err" });
process.stdout.write(result.output);
process.exitCode = result.exitCode === 0 ? 0 : 1;
