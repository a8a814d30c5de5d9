import { loadEnv } from '../config/env.ts';
import { openStore, type Store, storeOptionsFromEnv } from '../store/index.ts';

let opened: Promise<Store> | undefined;

/** The store for commands that need one; opened on first use, closed when the command is done. */
export function cliStore(): Promise<Store> {
  opened ??= openStore(storeOptionsFromEnv(loadEnv()));
  return opened;
}

export async function closeCliStore(): Promise<void> {
  if (opened) await (await opened).close();
  opened = undefined;
}
