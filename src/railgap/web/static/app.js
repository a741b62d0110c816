// railgap dashboard: draws the figures embedded in each page and runs scenarios.
// Data is only ever put in the page as text (textContent), never as HTML.
"use strict";

const CONFIG = { responsive: true, displaylogo: false };

// On a phone, long category labels (plant names) would squeeze the plot: shorten them.
function fitPhone(layout, data) {
  if (window.innerWidth >= 600) return layout;
  const shorten = (axis, key) => {
    if (!layout[axis] || !layout[axis].automargin) return;
    const values = [...new Set(data.flatMap((t) => (t[key] || []).filter((v) => typeof v === "string")))];
    if (!values.length) return;
    layout[axis] = { ...layout[axis], tickvals: values,
      ticktext: values.map((v) => (v.length > 16 ? `${v.slice(0, 15)}…` : v)) };
  };
  shorten("yaxis", "y");
  shorten("xaxis", "x");
  return layout;
}

function drawFigures() {
  document.querySelectorAll("[data-figure]").forEach((el) => {
    const fig = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, fig.data, fitPhone(fig.layout, fig.data), CONFIG);
  });
}

function autoSubmitDates() {
  document.querySelectorAll("form.date input[type=date]").forEach((input) => {
    input.addEventListener("change", () => {
      if (input.value && input.checkValidity()) input.form.submit();
    });
  });
}

// ---- scenario page -------------------------------------------------------------------

function leverLine(kind) {
  const v = (id) => document.getElementById(id).value.trim();
  const need = (id, what) => {
    const value = v(id);
    if (!value) throw new Error(`give ${what}`);
    return value;
  };
  if (kind === "vary_order") {
    return `  - vary_order: {order: ${need("vo-order", "an order")}, units: ${need("vo-units", "units")}, from: ${need("vo-from", "a date")}}`;
  }
  if (kind === "award_tender") {
    return [
      "  - award_tender:",
      `      tender: ${need("at-tender", "a tender")}`,
      `      winner: ${need("at-winner", "a winner")}`,
      `      date: ${need("at-date", "an award date")}`,
      `      units: ${need("at-units", "units")}`,
      `      cars_per_unit: ${need("at-cars", "cars per unit")}`,
      `      plants: [{plant: ${need("at-plant", "a plant")}, stage: full, share: 1.0}]`,
    ].join("\n");
  }
  if (kind === "plant") {
    const parts = [`plant: ${need("pl-plant", "a plant")}`, `from: ${need("pl-from", "a date")}`];
    if (v("pl-employees")) parts.push(`employees: ${v("pl-employees")}`);
    if (v("pl-capacity")) parts.push(`capacity: ${v("pl-capacity")}`);
    if (parts.length < 3) throw new Error("give employees or capacity");
    return `  - plant: {${parts.join(", ")}}`;
  }
  return `  - move: {order: ${need("mv-order", "an order")}, months: ${need("mv-months", "months")}}`;
}

function addLever(textarea, line) {
  let text = textarea.value.replace(/\s+$/, "");
  text = text.replace(/^levers:\s*\[\]\s*$/m, "levers:");
  if (!/^levers:/m.test(text)) text += "\nlevers:";
  textarea.value = `${text}\n${line}\n`;
}

function showProblems(box, body) {
  const lines = (body.problems || []).map((p) =>
    [p.file, p.line, p.field].filter((x) => x !== null && x !== undefined && x !== "").join(":") + ": " + p.message);
  box.textContent = lines.length ? lines.join("\n") : (body.detail || "the scenario could not be run");
  box.hidden = false;
}

function cell(row, text, numeric) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "-" : String(text);
  if (numeric) td.className = "num";
  row.appendChild(td);
}

function fmt(n) {
  return n === null || n === undefined ? "-" : Math.round(n).toLocaleString("en-GB");
}

function csvLink(anchor, rows, columns) {
  // Text a spreadsheet would run as a formula gets a leading ' (as railgap's own CSVs).
  const esc = (v) => {
    // Lists of records (a plant's gaps) go in one cell as JSON, as railgap's own CSVs.
    let s = v === null || v === undefined ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v));
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [columns.join(","), ...rows.map((r) => columns.map((c) => esc(r[c])).join(","))].join("\n");
  anchor.href = URL.createObjectURL(new Blob([text + "\n"], { type: "text/csv" }));
}

// A saved scenario offers each changed plant's briefing under it; an unsaved one cannot.
function briefingCell(plant) {
  const td = document.createElement("td");
  const saved = document.getElementById("result").dataset.savedId;
  if (!saved) {
    td.textContent = "save to get one";
    return td;
  }
  ["html", "xlsx"].forEach((kind, i) => {
    const a = document.createElement("a");
    a.href = `/plants/${encodeURIComponent(plant)}/brief.${kind}?scenario=${encodeURIComponent(saved)}`;
    a.textContent = kind === "html" ? "HTML" : "Excel";
    a.setAttribute("download", "");
    if (i) td.append(" · ");
    td.append(a);
  });
  return td;
}

// Every gap, as the CLI prints them: "2024-09 to 2025-10 (14); 2028-04 on (69+)".
function gapList(gaps) {
  if (!gaps || !gaps.length) return "none";
  return gaps.map((g) => `${g.end ? `${g.start} to ${g.end}` : `${g.start} on`} (${g.months}${g.open ? "+" : ""})`).join("; ");
}

// The result panel's charts, table, links and marks, as before any run: a failed run must
// not leave the previous scenario's answer on show as if it were this one's.
const SCENARIO_CHARTS = ["chart-scenario-jobs", "chart-scenario-months", "chart-scenario-gap"];
let scenarioRun = 0;
let scenarioText = "";  // the YAML of the run on show: images are drawn for it, not for later edits
let scenarioAll = "";   // "&all=true" when the run on show lists every plant, closed ones too

function clearScenario() {
  SCENARIO_CHARTS.forEach((id) => {
    const el = document.getElementById(id);
    Plotly.purge(el);
    el.replaceChildren();
  });
  document.querySelector("#scenario-table tbody").replaceChildren();
  ["result-lede", "result-stamp", "gap-status"].forEach((id) => { document.getElementById(id).textContent = ""; });
  ["scenario-csv", "months-csv", "gap-csv"].forEach((id) => { document.getElementById(id).href = "#"; });
  document.querySelectorAll("a.scenario-image").forEach((a) => { a.href = "#"; delete a.dataset.ready; });
  scenarioText = "";
  scenarioAll = "";
  const result = document.getElementById("result");
  delete result.dataset.ran;
  delete result.dataset.gapDrawn;
}

function drawScenario(body) {
  document.getElementById("result-lede").textContent = body.lede || "";
  const gb = body.plants.filter((p) => p.country === "GB");
  // Short names on the axis, where a phone has no room for "Siemens Mobility Goole (...)".
  const names = gb.map((p) => p.short_name || p.name);
  Plotly.newPlot("chart-scenario-jobs", [
    { type: "bar", name: "baseline", x: names, y: gb.map((p) => p.jobs_at_risk_months_baseline) },
    { type: "bar", name: "scenario", x: names, y: gb.map((p) => p.jobs_at_risk_months) },
  ], { barmode: "group", margin: { l: 60, r: 20, t: 20, b: 120 }, yaxis: { title: { text: "job-months at risk" } },
       legend: { orientation: "h", y: 1.1 } }, CONFIG);
  const traces = [];
  const byPlant = {};
  (body.months || []).forEach((m) => { (byPlant[m.plant_id] = byPlant[m.plant_id] || []).push(m); });
  Object.keys(byPlant).forEach((plant) => {
    const rows = byPlant[plant];
    const x = rows.map((r) => r.month);
    traces.push({ type: "scatter", mode: "lines", name: `${plant} baseline`, line: { dash: "dash" }, x, y: rows.map((r) => r.vehicle_equivalents_baseline) });
    traces.push({ type: "scatter", mode: "lines", name: `${plant} scenario`, x, y: rows.map((r) => r.vehicle_equivalents_scenario) });
  });
  Plotly.newPlot("chart-scenario-months", traces, { margin: { l: 60, r: 20, t: 20, b: 50 }, xaxis: { type: "date" },
    yaxis: { title: { text: "vehicle-equivalents a month" } }, legend: { orientation: "h", y: -0.25 } }, CONFIG);
  const tbody = document.querySelector("#scenario-table tbody");
  tbody.replaceChildren();
  body.plants.filter((p) => p.changed).forEach((p) => {
    const tr = document.createElement("tr");
    tr.dataset.plant = p.plant_id;
    cell(tr, p.name);
    cell(tr, `${p.run_out_baseline || "-"} → ${p.run_out || "-"}`);
    cell(tr, `${p.gap_months_baseline ?? "-"} → ${p.gap_months ?? "-"}`);
    cell(tr, `${gapList(p.gaps_baseline)} → ${gapList(p.gaps)}`);
    cell(tr, `${fmt(p.jobs_at_risk_months_baseline)} → ${fmt(p.jobs_at_risk_months)}`, true);
    cell(tr, p.levers);
    tr.appendChild(briefingCell(p.plant_id));
    tbody.appendChild(tr);
  });
  csvLink(document.getElementById("scenario-csv"), body.plants, Object.keys(body.plants[0] || {}));
  csvLink(document.getElementById("months-csv"), body.months || [], Object.keys((body.months || [])[0] || {}));
  document.getElementById("result-stamp").textContent =
    `scenario "${body.scenario}" · as of ${body.as_of} · assumptions ${body.assumptions} · dataset ${String(body.dataset_hash).slice(0, 12)}`;
}

// The Monte Carlo fan: chance of a gap by month for each changed plant, baseline and scenario.
async function drawGapChance(body, ticket) {
  const status = document.getElementById("gap-status");
  const plants = body.plants.filter((p) => p.changed).map((p) => p.plant_id);
  if (!plants.length) { status.textContent = "No plant changed: nothing to draw."; return; }
  const run = document.getElementById("chart-scenario-gap").dataset;
  status.textContent = `Drawing ${Number(run.draws).toLocaleString("en-GB")} futures…`;
  const query = `draws=${run.draws}&seed=${run.seed}&months=${run.months}${scenarioAll}`;
  const [base, scen] = await Promise.all([
    fetch(`/api/simulate?as_of=${encodeURIComponent(body.as_of)}&${query}`),
    fetch(`/api/simulate?${query}`, { method: "POST", headers: { "content-type": "application/yaml" },
      body: scenarioText }),
  ]);
  if (ticket !== scenarioRun) return;  // a later run (or a failed one) owns the panel now
  if (!base.ok || !scen.ok) { status.textContent = `Monte Carlo not run (${base.ok ? scen.status : base.status}).`; return; }
  const [b, s] = [await base.json(), await scen.json()];
  if (ticket !== scenarioRun) return;
  const traces = [];
  const rows = [];
  plants.filter((p) => b.gap_probability[p] && s.gap_probability[p]).forEach((p) => {
    traces.push({ type: "scatter", mode: "lines", name: `${p} baseline`, line: { dash: "dash" },
      x: b.gap_probability.months, y: b.gap_probability[p] });
    traces.push({ type: "scatter", mode: "lines", name: `${p} scenario`,
      x: s.gap_probability.months, y: s.gap_probability[p] });
    s.gap_probability.months.forEach((m, i) => rows.push({ plant_id: p, month: m,
      p_in_gap_baseline: b.gap_probability[p][i], p_in_gap_scenario: s.gap_probability[p][i] }));
  });
  Plotly.newPlot("chart-scenario-gap", traces, { margin: { l: 60, r: 20, t: 20, b: 50 }, xaxis: { type: "date" },
    yaxis: { title: { text: "probability" }, range: [0, 1], tickformat: ".0%" }, legend: { orientation: "h", y: -0.25 } }, CONFIG);
  csvLink(document.getElementById("gap-csv"), rows, ["plant_id", "month", "p_in_gap_baseline", "p_in_gap_scenario"]);
  status.textContent = `Drawn: ${s.draws} futures each.`;
  document.getElementById("result").dataset.gapDrawn = "1";
}

async function runScenario() {
  const status = document.getElementById("status");
  const box = document.getElementById("problems");
  box.hidden = true;
  const run = ++scenarioRun;
  clearScenario();
  const text = document.getElementById("yaml").value;
  const all = document.getElementById("all-plants").checked ? "&all=true" : "";
  status.textContent = "Running…";
  let response;
  let body;
  try {
    response = await fetch(`/api/scenarios/run?months=true${all}`, {
      method: "POST", headers: { "content-type": "application/yaml" }, body: text,
    });
    body = await response.json();
  } catch (e) {
    response = { ok: false, status: "no answer" };
    body = { detail: `the server did not answer (${e.message})` };
  }
  if (run !== scenarioRun) return;
  if (!response.ok) {
    clearScenario();
    showProblems(box, body);
    status.textContent = `Not run (${response.status}).`;
    document.getElementById("result").dataset.failed = "1";
    return;
  }
  delete document.getElementById("result").dataset.failed;
  scenarioText = text;
  scenarioAll = all;
  drawScenario(body);
  const changed = body.plants.filter((p) => p.changed).length;
  status.textContent = `Done: ${changed} plant(s) changed.`;
  document.getElementById("result").dataset.ran = "1";
  await drawGapChance(body, run);
}

// A scenario chart as a PNG or SVG file: the server draws it (source note printed under it)
// for the scenario on show, on the first click; the file then downloads as any link's would.
async function scenarioImage(e) {
  const a = e.currentTarget;
  if (a.dataset.ready === "1") return;
  e.preventDefault();
  const status = document.getElementById("status");
  if (!scenarioText) { status.textContent = "Run a scenario first: the image is of its result."; return; }
  const run = scenarioRun;
  status.textContent = `Drawing ${a.dataset.kind}.${a.dataset.fmt}…`;
  const response = await fetch(`/api/scenarios/charts/${a.dataset.kind}.${a.dataset.fmt}?${scenarioAll.slice(1)}`, {
    method: "POST", headers: { "content-type": "application/yaml" }, body: scenarioText,
  });
  if (run !== scenarioRun) return;  // another run owns the panel now
  if (!response.ok) { status.textContent = `Image not drawn (${response.status}).`; return; }
  a.href = URL.createObjectURL(await response.blob());
  a.dataset.ready = "1";
  status.textContent = `Drawn: ${a.dataset.kind}.${a.dataset.fmt}.`;
  a.click();
}

async function saveScenario() {
  const share = document.getElementById("share");
  const response = await fetch("/api/scenarios", {
    method: "POST",
    headers: { "content-type": "application/yaml", authorization: `Bearer ${document.getElementById("token").value}` },
    body: document.getElementById("yaml").value,
  });
  const body = await response.json();
  share.replaceChildren();
  if (!response.ok) {
    showProblems(document.getElementById("problems"), body);
    share.textContent = `Not saved (${response.status}).`;
    return;
  }
  const link = document.createElement("a");
  link.href = body.url;
  link.id = "share-link";
  link.textContent = new URL(body.url, window.location.href).href;
  share.append("Saved. Share this link: ", link);
}

function scenarioPage() {
  const textarea = document.getElementById("yaml");
  if (!textarea) return;
  const kind = document.getElementById("lever-kind");
  const toggle = () => document.querySelectorAll(".lever-fields").forEach((d) => { d.hidden = d.dataset.kind !== kind.value; });
  kind.addEventListener("change", toggle);
  toggle();
  document.getElementById("add-lever").addEventListener("click", () => {
    const box = document.getElementById("problems");
    try { addLever(textarea, leverLine(kind.value)); box.hidden = true; } catch (e) { box.textContent = e.message; box.hidden = false; }
  });
  document.getElementById("upload").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (file) file.text().then((t) => { textarea.value = t; });
  });
  document.getElementById("run").addEventListener("click", runScenario);
  document.getElementById("save").addEventListener("click", saveScenario);
  document.querySelectorAll("a.scenario-image").forEach((a) => a.addEventListener("click", scenarioImage));
  // Every plant or only those that matter: the run on show is redone the other way.
  document.getElementById("all-plants").addEventListener("change", () => {
    if (document.getElementById("result").dataset.ran) runScenario();
  });
  const params = new URLSearchParams(window.location.search);
  if (params.get("lever")) {
    const asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get("as_of") || "") ? params.get("as_of") : new Date().toISOString().slice(0, 10);
    textarea.value = `name: Suggested lever\ndescription: a lever suggested on a plant page\nas_of: ${asOf}\nlevers:\n${params.get("lever")}\n`;
    runScenario();
  } else if (document.getElementById("result").dataset.autorun === "1") {
    runScenario();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  drawFigures();
  autoSubmitDates();
  scenarioPage();
});
