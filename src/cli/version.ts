import type { Command } from "./command";
import { productVersion } from "../runtime/version";

export const versionCommand: Command = {
  name: "version",
  summary: "print the version and the Node.js runtime",
  help: `Usage: rb-aioutliers version

Prints the product version and the Node.js version it runs on.`,
  async run() {
    console.log(`rb-aioutliers ${productVersion()} (node ${process.version})`);
    return 0;
  },
};
