import type { ChildProcess } from 'node:child_process';

/**
 * Every child process the tests or the bench start (servers, sinks) is registered here, so that
 * every way out (a test's end, an error, a worker or harness that exits) ends exactly them.
 */

export interface TrackedChild {
  child: ChildProcess;
  tag: string;
}

const live = new Set<TrackedChild>();
let onChange: (() => void) | undefined;
let exitHookInstalled = false;

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** Registers `child` until it exits. */
export function track<C extends ChildProcess>(child: C, tag: string): C {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process that dies must not leave its children behind.
    process.on('exit', () => killAllChildrenSync());
  }
  const entry = { child, tag };
  live.add(entry);
  onChange?.();
  child.once('exit', () => {
    live.delete(entry);
    onChange?.();
  });
  return child;
}

/** The children still running, with their tags. */
export function liveChildren(): Array<{ pid: number; tag: string }> {
  return [...live].filter((e) => e.child.pid && running(e.child)).map((e) => ({ pid: e.child.pid!, tag: e.tag }));
}

/** Called whenever a child is registered or exits (the bench keeps a pid file from it). */
export function onChildrenChange(fn: (() => void) | undefined): void {
  onChange = fn;
}

/** SIGKILL to every child still running; synchronous so that it works from an 'exit' handler. */
export function killAllChildrenSync(): void {
  for (const { child } of live) {
    try {
      if (running(child)) child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** SIGKILLs every child still running and waits until they have exited. */
export async function killAllChildren(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const { child } of live) {
    if (!running(child)) continue;
    waits.push(new Promise((r) => child.once('exit', r)));
    child.kill('SIGKILL');
  }
  await Promise.all(waits);
}

/** Resolves true once `child` has exited, false if it is still running after `ms`. */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (!running(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
