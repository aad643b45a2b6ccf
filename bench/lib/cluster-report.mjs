// The cluster fault scenarios' Markdown table.
const ms = (value) => (value === undefined || Number.isNaN(value) ? "–" : `${Math.round(value).toLocaleString("en-US")} ms`);

const COLUMNS = [
  ["scenario", (row) => row.name],
  ["accepted (202)", (row) => row.accepted],
  ["of which spooled", (row) => row.spooled],
  ["5xx", (row) => row.fiveXx],
  ["delivered", (row) => row.delivered],
  ["lost", (row) => row.lost],
  ["duplicated at the target", (row) => row.duplicated],
  ["repeated: in flight at the kill", (row) => row.repeatedInFlight],
  ["time to resume", (row) => ms(row.resumeMs)],
  ["resumed after the node's return", (row) => ms(row.resumeAfterReturnMs)],
  ["slowest event, 202 → target", (row) => ms(row.slowestEventMs)],
  ["202 latency p99 / max", (row) => `${row.p99AcceptMs} / ${row.maxAcceptMs} ms`],
];

export function formatTable(report) {
  const lines = [
    `Cluster fault scenarios, ${report.date.slice(0, 10)}: ${report.options.rate} signed requests/s, ${report.seconds} s in all ` +
      `(Node ${report.machine.node}, RabbitMQ ${report.machine.rabbitmq ?? "?"}, ${report.machine.cores} cores, commit ${report.machine.commit ?? "?"})`,
    "",
    `| ${COLUMNS.map(([title]) => title).join(" | ")} |`,
    `|${COLUMNS.map(() => "---").join("|")}|`,
  ];
  for (const row of report.rows) {
    if (row.error) lines.push(`| ${row.name} | failed: ${row.error.replaceAll("|", "\\|")} |`);
    else lines.push(`| ${COLUMNS.map(([, cell]) => cell(row)).join(" | ")} |`);
  }
  lines.push("", ...report.rows.filter((row) => row.notes).map((row) => `- ${row.name}: ${row.notes}`));
  return lines.join("\n");
}
