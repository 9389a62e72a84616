import * as fs from 'node:fs';

/**
 * The live processes (zombies excluded: a container's PID 1 may never reap them) whose process
 * group is `pgid`, as command lines. Read from /proc, so Linux only.
 */
export function liveGroupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) !== pgid || state === 'Z' || state === 'X') continue;
      members.push(fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** Polls until the group has no live member, or `ms` passed; returns what is left. */
export async function waitForGroupGone(pgid: number, ms = 1500): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = liveGroupMembers(pgid);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    left = liveGroupMembers(pgid);
  }
  return left;
}

/** The shell's pid, printed by a command that starts with `echo pgid=$$` (the group leader's pid). */
export function pgidFrom(output: string): number {
  const match = /pgid=(\d+)/.exec(output);
  if (!match) throw new Error(`no pgid in output: ${output}`);
  return Number(match[1]);
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it returns something truthy, failing after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(20);
  }
}
