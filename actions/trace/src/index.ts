import { runAction } from "@peptide/action-kit";
import { readInputs } from "./inputs.js";
import { run } from "./main.js";

await runAction(async () => {
  await run(readInputs());
});
