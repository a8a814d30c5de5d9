import type { EventEmitter } from 'node:events';

/** A process ended by a signal exits with 128 + the signal's number, as shells expect. */
const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof exitCodes;

type SignalSource = Pick<EventEmitter, 'on' | 'off'>;

export interface SignalStop {
  /** Aborted by the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** The exit code of the signal received, if one was. */
  exitCode(): number | undefined;
  /** Gives SIGINT and SIGTERM back to Node's default handling. */
  dispose(): void;
}

/**
 * The first Ctrl-C or SIGTERM aborts `signal`, so the work can stop cleanly and record its
 * outcome; a second one exits at once.
 */
export function abortOnSignals(
  options: {
    onFirst?: (signal: StopSignal) => void;
    source?: SignalSource;
    exit?: (code: number) => void;
  } = {},
): SignalStop {
  const { source = process, exit = (code: number) => process.exit(code) } = options;
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handle = (signal: StopSignal) => {
    if (received) return exit(exitCodes[signal]);
    received = signal;
    options.onFirst?.(signal);
    controller.abort();
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  source.on('SIGINT', onInt);
  source.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    exitCode: () => (received ? exitCodes[received] : undefined),
    dispose() {
      source.off('SIGINT', onInt);
      source.off('SIGTERM', onTerm);
    },
  };
}
