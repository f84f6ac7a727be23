/** `reefknot cal sync`, `conflicts` and `freebusy` (docs/client.md). */
import type { Command } from 'commander';

export function registerCalSyncCommands(cal: Command): void {
  void cal;
}
