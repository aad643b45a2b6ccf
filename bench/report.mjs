// The table `npm run bench` prints at the end: every router figure next to the reference's.

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "-"
    : Number(n).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n) => (n === null || n === undefined ? "-" : n < 10 ? fmt(n, 2) : n < 100 ? fmt(n, 1) : fmt(n));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}` : "-");

function table(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => String(row[i] ?? "").length)));
  const line = (cells) =>
    cells.map((cell, i) => (i === 0 ? String(cell ?? "").padEnd(widths[i]) : String(cell ?? "").padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const HEADER = [
  "scenario / server",
  "req/s",
  "p50 ms",
  "p99 ms",
  "p99.9 ms",
  "CPU µs/req",
  "peak RSS MiB",
  "non-2xx",
  "other cores",
  "req/s ÷ ref",
  "p99 ÷ ref",
  "CPU ÷ ref",
];

function ingressRows(title, scenario, job) {
  if (!scenario) return [];
  if (scenario.error) return [[`${title}: ${scenario.error}`]];
  const rows = [[title]];
  const reference = scenario.reference?.[job];
  for (const [label, server] of Object.entries(scenario)) {
    const result = server[job];
    if (!result) continue;
    const l = result.latencyMs;
    const isRef = label === "reference";
    rows.push([
      `  ${label}`,
      fmt(result.acceptedPerS),
      ms(l.p50),
      ms(l.p99),
      ms(l.p999),
      fmt(result.cpu?.server?.usPerRequest),
      fmt(server.rssMiB?.peak),
      fmt(result.non2xx + result.errors),
      fmt(result.cpu?.other?.coreShare, 2),
      isRef ? "" : ratio(result.acceptedPerS, reference?.acceptedPerS),
      isRef ? "" : ratio(l.p99, reference?.latencyMs.p99),
      isRef ? "" : ratio(result.cpu?.server?.usPerRequest, reference?.cpu?.server?.usPerRequest),
    ]);
  }
  return rows;
}

export function printTable(results, config) {
  const rows = [
    ...ingressRows(`1  1 KiB, ${config.connections} connections, max`, results.throughput, "max"),
    ...ingressRows(`2a ${fmt(config.rate)} req/s paced open loop, 1 KiB`, results.latency, "paced"),
    ...ingressRows(`2b ${fmt(config.rate)} req/s autocannon overallRate (${config.rateConnections} conn, bursty)`, results.latency, "overallRate"),
    ...ingressRows(`3  64 KiB, ${config.connections} connections, max`, results.payload64k, "max"),
  ];
  if (rows.length > 0) console.log(table(HEADER, rows));

  const worker = results.worker;
  if (worker) {
    console.log("");
    if (worker.error) console.log(`4  worker: ${worker.error}`);
    else
      console.log(
        table(
          [
            "4  worker (queue → filter + map → dedup → http sink)",
            "events",
            "delivered",
            "events/s",
            "incl. start-up",
            "prefetch",
            "CPU µs/event",
            "worker cores",
            "other cores",
            "peak RSS MiB",
            "dead",
          ],
          [
            [
              "  router --role worker",
              fmt(worker.events),
              fmt(worker.delivered),
              fmt(worker.eventsPerS),
              fmt(worker.eventsPerSIncludingStartup),
              worker.concurrency,
              fmt(worker.cpu?.server?.usPerRequest),
              fmt(worker.cpu?.server?.coreShare, 2),
              fmt(worker.cpu?.other?.coreShare, 2),
              fmt(worker.rssMiB?.peak),
              fmt(worker.deadLettered),
            ],
          ],
        ),
      );
  }

  const long = results.longrun;
  if (long) {
    console.log("");
    if (long.error) console.log(`5  long run: ${long.error}`);
    else
      console.log(
        table(
          [
            `5  memory: ${fmt(long.accepted)} events at full speed`,
            "req/s",
            "CPU µs/req",
            "RSS start",
            "RSS peak",
            "RSS end",
            "after 5 s idle",
            "non-2xx",
            "other cores",
          ],
          [
            [
              `  ${long.label}`,
              fmt(long.acceptedPerS),
              fmt(long.cpu?.server?.usPerRequest),
              fmt(long.rssMiB.start),
              fmt(long.rssMiB.peak),
              fmt(long.rssMiB.end),
              fmt(long.rssMiB.after5sIdle),
              fmt(long.non2xx + long.errors),
              fmt(long.cpu?.other?.coreShare, 2),
            ],
          ],
        ),
      );
    if (!long.error && long.rssBySent?.length) {
      console.log(`   RSS (MiB) after each ${fmt(long.rssBySent[0].sent)} events: ${long.rssBySent.map((p) => fmt(p.rssMiB)).join(" → ")}`);
    }
  }
  const hostile = results.hostile;
  if (hostile) {
    console.log("");
    if (hostile.error) console.log(`6  hostile clients: ${hostile.error}`);
    else
      console.log(
        table(
          [
            `6  hostile: ${fmt(hostile.hostile.connections)} junk 1 MiB uploads`,
            "RSS start",
            "RSS peak",
            "RSS end",
            "honest 202",
            "honest sent",
            "honest p50 ms",
            "honest p99 ms",
            "junk told",
            "other cores",
          ],
          [
            [
              "  router",
              fmt(hostile.rssMiB.start),
              fmt(hostile.rssMiB.peak),
              fmt(hostile.rssMiB.end),
              fmt(hostile.honest.accepted),
              fmt(hostile.honest.sent),
              ms(hostile.honest.latencyMs.p50),
              ms(hostile.honest.latencyMs.p99),
              Object.entries(hostile.hostile.statuses)
                .map(([status, n]) => `${status}×${n}`)
                .join(" "),
              fmt(hostile.cpu?.other?.coreShare, 2),
            ],
          ],
        ),
      );
  }
  printSync(results.sync);
  printPoll(results.poll);
  const peak = results.throughput?.["router LOG_LEVEL=info"]?.rssMiB;
  if (peak) console.log(`\n5  router RSS under scenario 1 (info): start ${fmt(peak.start)}, peak ${fmt(peak.peak)}, end ${fmt(peak.end)} MiB`);
}

function printPoll(poll) {
  if (!poll) return;
  console.log("");
  if (poll.error) return console.log(`8  poll: ${poll.error}`);
  console.log(
    table(
      ["8  polling source", "items", "pages", "seconds", "items/s", "RSS peak MiB", "router µs/item", "÷ webhook 202/s"],
      [
        [
          "  poll, pages of 100",
          fmt(poll.items),
          fmt(poll.pages),
          poll.seconds.toFixed(2),
          fmt(poll.itemsPerS),
          fmt(poll.rssMiB.peak),
          fmt(poll.cpu?.server?.usPerRequest),
          poll.pollOverWebhook ?? "",
        ],
        [
          "  webhook → 202 (same process)",
          fmt(poll.webhook?.accepted),
          "",
          "",
          fmt(poll.webhook?.acceptedPerS),
          fmt(poll.webhook?.rssMiB?.peak),
          fmt(poll.webhook?.cpu?.server?.usPerRequest),
          "",
        ],
      ],
    ),
  );
}

function printSync(sync) {
  if (!sync) return;
  console.log("");
  if (sync.error) return console.log(`7  sync API endpoint: ${sync.error}`);
  const row = (label, result, ratios) => [
    `  ${label}`,
    fmt(result.acceptedPerS),
    ms(result.latencyMs.p50),
    ms(result.latencyMs.p99),
    ms(result.latencyMs.p999),
    fmt(result.cpu?.server?.usPerRequest),
    fmt(result.cpu?.worker?.usPerRequest),
    fmt(result.non2xx + result.errors),
    fmt(result.cpu?.other?.coreShare, 2),
    ratios?.p50 ?? "",
    ratios?.p99 ?? "",
  ];
  console.log(
    table(
      [
        `7  ${fmt(sync.rate)} req/s paced, stand-in ${sync.standInDelayMs} ms`,
        "2xx/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "ingress µs/req",
        "worker µs/req",
        "non-2xx",
        "other cores",
        "p50 ÷ webhook",
        "p99 ÷ webhook",
      ],
      [row("webhook → 202", sync.webhook), row("sync API → 200", sync.sync, sync.syncOverWebhook)],
    ),
  );
}
