#!/usr/bin/env node
// Entry point of the `reefknot` command: the compiled CLI lives in dist/.
import { main } from '../dist/src/cli/main.js';

main(process.argv).then((code) => {
  if (typeof code === 'number') process.exitCode = code;
});
