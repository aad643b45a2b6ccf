// What a process costs while it runs: resident memory over time, and CPU time by process (and
// by everything else on the machine) from /proc. Linux only, like the machine it measures.
import { readdirSync, readFileSync } from "node:fs";

/** Resident memory of a process, in MiB, or undefined once it has gone. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs`; `mark(label)` notes the current value under a name. */
export class RssSampler {
  samples = [];
  marks = {};
  #timer;

  constructor(pid, everyMs = 250) {
    this.pid = pid;
    this.started = Date.now();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
    this.sample();
  }

  sample() {
    const mib = rssMiB(this.pid);
    if (mib !== undefined) this.samples.push([Date.now() - this.started, mib]);
    return mib;
  }

  mark(label) {
    this.marks[label] = this.sample();
  }

  stop() {
    clearInterval(this.#timer);
  }

  get peak() {
    return this.samples.reduce((max, [, mib]) => Math.max(max, mib), 0);
  }
}

const CLOCK_TICKS_PER_S = 100; // getconf CLK_TCK on Linux x86-64

/** CPU seconds (user + system) a process has used so far, or undefined once it has gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ": utime is the 14th field.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** The RabbitMQ node's process on this machine (beam.smp), if it runs here and is visible. */
export function brokerPid() {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "beam.smp") return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** Busy and steal CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineSeconds() {
  const [, user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  return {
    busy: (user + nice + system + irq + softirq) / CLOCK_TICKS_PER_S,
    steal: steal / CLOCK_TICKS_PER_S,
    idle: (idle + iowait) / CLOCK_TICKS_PER_S,
  };
}

/**
 * CPU used by named processes between `new CpuMeter(...)` and `stop()`, in seconds and as a
 * share of one core, and by everything else on the machine (`other`: someone else's build or
 * tests skew a run; this says so). On a shared machine CPU per request is steadier than req/s.
 */
export class CpuMeter {
  constructor(pids) {
    this.pids = Object.fromEntries(Object.entries(pids).filter(([, pid]) => pid !== undefined));
    this.started = performance.now();
    this.machine = machineSeconds();
    this.before = Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  stop() {
    const wallS = (performance.now() - this.started) / 1000;
    const machine = machineSeconds();
    const out = { wallS: Math.round(wallS * 10) / 10 };
    let listed = 0;
    for (const [name, pid] of Object.entries(this.pids)) {
      const used = (cpuSeconds(pid) ?? Number.NaN) - this.before[name];
      listed += used;
      out[name] = { cpuS: Math.round(used * 100) / 100, coreShare: Math.round((used / wallS) * 100) / 100 };
    }
    // Tick rounding can make a quiet machine's remainder slightly negative.
    const other = Math.max(0, machine.busy - this.machine.busy - listed);
    out.other = { cpuS: Math.round(other * 100) / 100, coreShare: Math.round((other / wallS) * 100) / 100 };
    out.idleCores = Math.round(((machine.idle - this.machine.idle) / wallS) * 100) / 100;
    out.stealCores = Math.round(((machine.steal - this.machine.steal) / wallS) * 100) / 100;
    return out;
  }
}
