// The detente dashboard: plain JS over the /api endpoints, no build step, every asset local.
// Article text is untrusted: it reaches the page only through textContent, never innerHTML.
"use strict";

(function () {
  const PAGE = 25;
  const QUADS = [
    ["verbal_coop", "Verbal cooperation", "#8fd19e"],
    ["material_coop", "Material cooperation", "#2da44e"],
    ["verbal_conflict", "Verbal conflict", "#f0a36b"],
    ["material_conflict", "Material conflict", "#cf222e"],
  ];
  const BLOCS = ["#0969da", "#8250df", "#bf8700", "#1b7c83", "#bc4c00", "#4d2d00", "#6e7781", "#d1242f"];

  const state = { actor: "", since: "", until: "", cameo: "", modality: "", offset: 0, selected: null };
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const dash = { state, charts, cy: null };
  window.detente = dash;  // a handle for the browser tests and for poking at the page in devtools

  // --- helpers -------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child == null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // echarts tooltips are HTML strings, so anything from the data is escaped on the way in.
  function esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== "" && v != null) q.set(k, v);
    const s = q.toString();
    return s ? "?" + s : "";
  }

  async function getJSON(path) {
    const resp = await fetch(path, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await resp.json(); } catch (e) { /* non-JSON error page */ }
    if (!resp.ok) {
      const msg = body && body.error ? body.error.message : resp.statusText;
      throw new Error(`${path.split("?")[0]}: ${resp.status} ${msg}`);
    }
    return body;
  }

  function showError(err) {
    const status = $("status");
    status.textContent = status.textContent ? status.textContent + " · " + err.message : err.message;
  }

  // Each panel carries data-state (loading/ready/error) so a test or a user can tell when it is done.
  async function panel(id, work) {
    const node = $(id);
    node.dataset.state = "loading";
    try {
      await work();
      node.dataset.state = "ready";
    } catch (err) {
      node.dataset.state = "error";
      showError(err);
    }
  }

  // "RUS-KOR" (or "RUS–KOR", "RUS KOR") is a dyad; anything else is one actor.
  function parseActor(value) {
    const parts = value.trim().toUpperCase().split(/\s*[-–—/ ]\s*/).filter(Boolean);
    if (parts.length === 2) return { dyad: parts };
    return { actor: parts.join("") };
  }

  function actorLabel(a) {
    if (!a) return "";
    return a.code || a.country || a.text || "";
  }

  function commonParams() {
    return { since: state.since, until: state.until };
  }

  function eventParams() {
    const who = parseActor(state.actor);
    return {
      ...commonParams(),
      actor: who.actor || "",
      dyad: who.dyad ? who.dyad.join("-") : "",
      cameo: state.cameo,
      modality: state.modality,
    };
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  // --- filters -------------------------------------------------------------------------------

  function readForm() {
    state.actor = $("f-actor").value.trim();
    state.since = $("f-since").value;
    state.until = $("f-until").value;
    state.cameo = $("f-cameo").value.trim();
    state.modality = $("f-modality").value;
  }

  function writeForm() {
    $("f-actor").value = state.actor;
    $("f-since").value = state.since;
    $("f-until").value = state.until;
    $("f-cameo").value = state.cameo;
    $("f-modality").value = state.modality;
  }

  function reload() {
    $("status").textContent = "";
    state.offset = 0;
    loadEvents();
    loadTimeline();
    loadMap();
    highlightNetwork();
  }

  function setActor(value) {
    state.actor = value;
    writeForm();
    reload();
  }

  // --- events table --------------------------------------------------------------------------

  function loadEvents() {
    return panel("events-panel", async () => {
      const data = await getJSON("/api/events" + query({ ...eventParams(), limit: PAGE, offset: state.offset }));
      const body = $("events-body");
      body.replaceChildren();
      for (const ev of data.items) {
        const row = el("tr", { "data-testid": "event-row", dataset: { id: ev.id }, tabindex: "0" },
          el("td", { class: "code" }, ev.date || ""),
          el("td", { class: "code", "data-testid": "event-source" }, actorLabel(ev.source)),
          el("td", { class: "q" + ev.quad_class, title: ev.cameo_name || "" },
            el("span", { class: "code" }, ev.cameo), " ", ev.cameo_name || ""),
          el("td", { class: "code", "data-testid": "event-target" }, actorLabel(ev.target)),
          el("td", {}, ev.modality || ""),
          el("td", {}, ev.trigger || ""));
        if (ev.id === state.selected) row.classList.add("selected");
        row.addEventListener("click", () => openEvidence(ev.id, row));
        row.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvidence(ev.id, row); });
        body.append(row);
      }
      if (!data.items.length) body.append(el("tr", {}, el("td", { colspan: "6", class: "hint" }, "No events match these filters.")));
      const last = Math.min(data.offset + data.items.length, data.total);
      $("events-total").textContent = `(${data.total})`;
      $("page-info").textContent = data.total ? `${data.offset + 1}–${last} of ${data.total}` : "";
      $("page-prev").disabled = data.offset <= 0;
      $("page-next").disabled = last >= data.total;
    });
  }

  // --- evidence ------------------------------------------------------------------------------

  // Splits the sentence at the highlight offsets; overlapping spans keep the earlier one.
  function highlightedSentence(sentence, highlights) {
    const spans = (highlights || [])
      .filter((h) => Number.isInteger(h.start) && Number.isInteger(h.end) && h.start < h.end && h.end <= sentence.length)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const out = [];
    let pos = 0;
    for (const h of spans) {
      if (h.start < pos) continue;
      if (h.start > pos) out.push(document.createTextNode(sentence.slice(pos, h.start)));
      out.push(el("span", { class: "hl hl-" + h.role, "data-role": h.role, "data-testid": "hl-" + h.role, title: h.role },
        sentence.slice(h.start, h.end)));
      pos = h.end;
    }
    if (pos < sentence.length) out.push(document.createTextNode(sentence.slice(pos)));
    return out;
  }

  function openEvidence(id, row) {
    state.selected = id;
    for (const r of document.querySelectorAll("#events-body tr.selected")) r.classList.remove("selected");
    if (row) row.classList.add("selected");
    return panel("evidence-panel", async () => {
      const data = await getJSON("/api/events/" + encodeURIComponent(id));
      const ev = data.event || {};
      const art = data.article || {};
      const sentence = data.sentence ?? ev.sentence ?? "";
      $("evidence-sentence").replaceChildren(...highlightedSentence(sentence, data.highlights));
      const loc = ev.location;
      const facts = [
        ["Event", `${ev.cameo} ${ev.cameo_name || ""}` + (ev.plover ? ` (PLOVER ${ev.plover})` : "")],
        ["Who", `${actorLabel(ev.source)} → ${actorLabel(ev.target) || "—"}`],
        ["Date", ev.date + (ev.date_basis ? ` (${ev.date_basis})` : "")],
        ["Goldstein", ev.goldstein],
        ["Modality", ev.modality],
        ["Where", loc ? [loc.name, loc.country].filter(Boolean).join(", ") : "—"],
        ["Article", art.title || art.id || ""],
        ["Published", art.published || ""],
        ["Source", art.source || ""],
        ["Event id", ev.id],
      ];
      $("evidence-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "")]));
      $("evidence-hint").hidden = true;
      $("evidence").hidden = false;
      // On a narrow screen the panel sits below the table, out of sight of the row just clicked.
      const box = $("evidence-panel").getBoundingClientRect();
      if (box.top > window.innerHeight || box.bottom < 0) $("evidence-panel").scrollIntoView({ block: "nearest" });
    });
  }

  // --- dyad timeline -------------------------------------------------------------------------

  // With no dyad in the filter, the timeline follows the busiest dyad (of the actor, if one is set).
  async function timelinePair() {
    const who = parseActor(state.actor);
    if (who.dyad) return who.dyad;
    const data = await getJSON("/api/dyads" + query({ top: 50, since: state.since }));
    const items = (data.items || []).filter((d) => d.source && d.target &&
      (!who.actor || d.source.startsWith(who.actor) || d.target.startsWith(who.actor)));
    return items.length ? [items[0].source, items[0].target] : null;
  }

  function loadTimeline() {
    return panel("timeline-panel", async () => {
      const c = chart("timeline");
      const pair = await timelinePair();
      if (!pair) {
        $("timeline-title").textContent = "";
        c.clear();
        c.setOption({ title: { text: "No dyad to show", left: "center", top: "middle", textStyle: { color: "#656d76", fontSize: 13 } } });
        return;
      }
      const [a, b] = pair;
      const data = await getJSON("/api/dyad" + query({ a, b, by: "week", ...commonParams() }));
      const series = data.series || [];
      $("timeline-title").textContent = `${a}–${b}, weekly`;
      c.clear();
      c.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, itemWidth: 14, itemHeight: 9, textStyle: { fontSize: 11 } },
        grid: { left: 40, right: 45, top: 34, bottom: 56 },
        xAxis: { type: "category", data: series.map((p) => p.period) },
        yAxis: [
          { type: "value", name: "events", minInterval: 1 },
          { type: "value", name: "Goldstein", min: -10, max: 10, splitLine: { show: false } },
        ],
        series: [
          ...QUADS.map(([key, name, color]) => ({
            name, type: "bar", stack: "quad", itemStyle: { color }, data: series.map((p) => p[key] || 0),
          })),
          {
            name: "Goldstein mean", type: "line", yAxisIndex: 1, symbolSize: 6, itemStyle: { color: "#24292f" },
            data: series.map((p) => (p.goldstein_mean == null ? null : Math.round(p.goldstein_mean * 10) / 10)),
          },
        ],
      });
    });
  }

  // --- network -------------------------------------------------------------------------------

  function loadNetwork() {
    return panel("network-panel", async () => {
      const data = await getJSON("/api/network" + query({ ...commonParams(), level: "country" }));
      const maxEvents = Math.max(1, ...data.nodes.map((n) => n.events || 0));
      const elements = [
        ...data.nodes.map((n) => ({
          data: {
            id: n.id, label: n.id, name: n.label || n.id,
            color: n.bloc == null ? "#8c959f" : BLOCS[n.bloc % BLOCS.length],
            size: 18 + 26 * Math.sqrt((n.events || 0) / maxEvents),
          },
        })),
        ...data.edges.map((e) => ({
          data: {
            id: `${e.source}~${e.target}`, source: e.source, target: e.target,
            color: e.weight > 0 ? "#2da44e" : e.weight < 0 ? "#cf222e" : "#8c959f",
            width: 1 + 2 * Math.log2(1 + (e.n || 1)),
          },
        })),
      ];
      const layout = data.nodes.length > 3
        ? { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, padding: 20 }
        : { name: "circle", padding: 30 };
      // One instance for the page's life: destroying it while cytoscape may still be finishing the
      // tap that changed the filter (it does so on timers) is the likely source of a "Cannot read
      // properties of null" seen once in CI, and reusing it is cheaper anyway.
      if (dash.cy) {
        dash.cy.batch(() => {
          dash.cy.elements().remove();
          dash.cy.add(elements);
        });
        dash.cy.resize();
        dash.cy.layout(layout).run();
      } else {
        const cy = cytoscape({
          container: $("network"),
          elements,
          style: [
            { selector: "node", style: {
              "background-color": "data(color)", label: "data(label)", width: "data(size)", height: "data(size)",
              "font-size": 11, "text-valign": "center", "text-halign": "center", color: "#fff",
              "text-outline-color": "data(color)", "text-outline-width": 2 } },
            { selector: "node.current", style: { "border-width": 3, "border-color": "#1f2328" } },
            { selector: "edge", style: { "line-color": "data(color)", width: "data(width)", "curve-style": "haystack", opacity: 0.75 } },
          ],
          layout,
        });
        cy.on("tap", "node", (evt) => setActor(evt.target.id()));
        dash.cy = cy;
      }
      highlightNetwork();
    });
  }

  function highlightNetwork() {
    if (!dash.cy) return;
    const who = parseActor(state.actor);
    const codes = who.dyad || (who.actor ? [who.actor] : []);
    dash.cy.nodes().removeClass("current");
    for (const code of codes) dash.cy.getElementById(code).addClass("current");
  }

  // --- world map -----------------------------------------------------------------------------

  // world-atlas stitches Russia and Fiji across the antimeridian; a flat projection would draw
  // those rings as a stripe across the map, so their western half moves past +180 instead.
  function unwrapRing(ring) {
    const crosses = ring.some((p, i) => i && Math.abs(p[0] - ring[i - 1][0]) > 180);
    return crosses ? ring.map(([x, y]) => [x < 0 ? x + 360 : x, y]) : ring;
  }

  async function registerWorld() {
    if (echarts.getMap("world")) return;
    const topo = await getJSON("/static/vendor/countries-110m.json");
    const geo = topojson.feature(topo, topo.objects.countries);
    geo.features = geo.features
      .filter((f) => f.properties.name !== "Antarctica")  // its ring spans every longitude; no events there
      .map((f) => {
        const g = f.geometry;
        if (g.type === "Polygon") g.coordinates = g.coordinates.map(unwrapRing);
        else if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map((p) => p.map(unwrapRing));
        return f;
      });
    echarts.registerMap("world", geo);
  }

  function loadMap() {
    return panel("map-panel", async () => {
      await registerWorld();
      // the same filters as the events table: the map shows where the listed events happened
      const data = await getJSON("/api/locations" + query(eventParams()));
      const items = (data.items || []).filter((p) => p.lat != null && p.lon != null);
      const maxN = Math.max(1, ...items.map((p) => p.n || 1));
      const c = chart("map");
      c.setOption({
        animation: false,
        tooltip: {
          trigger: "item",
          formatter: (p) => p.data ? `${esc(p.data.name)}${p.data.country ? ", " + esc(p.data.country) : ""}: ${esc(p.data.n)} event(s)` : esc(p.name),
        },
        geo: {
          map: "world", roam: true, zoom: 1.15, center: [15, 20],
          itemStyle: { areaColor: "#eaeef2", borderColor: "#afb8c1" },
          emphasis: { disabled: true },
        },
        series: [{
          type: "scatter", coordinateSystem: "geo",
          symbolSize: (v) => 6 + 16 * Math.sqrt((v[2] || 1) / maxN),
          itemStyle: { color: "#0969da", opacity: 0.8 },
          data: items.map((p) => ({ name: p.name, country: p.country, n: p.n, event_ids: p.event_ids || [], value: [p.lon, p.lat, p.n] })),
        }],
      }, { replaceMerge: ["series"] });
      c.off("click");
      c.on("click", (p) => {
        const ids = p.data && p.data.event_ids;
        if (ids && ids.length) openEvidence(ids[0], null);
      });
    });
  }

  // --- alerts --------------------------------------------------------------------------------

  function loadAlerts() {
    return panel("alerts-panel", async () => {
      const data = await getJSON("/api/alerts" + query(commonParams()));
      const list = $("alerts");
      list.replaceChildren();
      for (const a of data.items || []) {
        const sd = a.baseline_sd == null ? "" : ` ± ${Number(a.baseline_sd).toFixed(1)}`;
        const item = el("li", { "data-testid": "alert", title: "Show this dyad" },
          el("strong", {}, `${a.source}–${a.target}`), ` week of ${a.period}: ${a.observed} vs usual `,
          `${Number(a.baseline_mean).toFixed(1)}${sd} (${a.method} ${Number(a.score).toFixed(1)})`);
        item.addEventListener("click", () => setActor(`${a.source}-${a.target}`));
        list.append(item);
      }
      if (!list.children.length) list.append(el("li", { class: "empty" }, "No alerts for this period."));
    });
  }

  // --- wiring --------------------------------------------------------------------------------

  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    const dates = state.since + "/" + state.until;
    readForm();
    reload();
    // The network and alerts depend only on the dates, so they reload only when those change.
    if (dates !== state.since + "/" + state.until) {
      loadNetwork();
      loadAlerts();
    }
  });
  $("f-clear").addEventListener("click", () => {
    Object.assign(state, { actor: "", since: "", until: "", cameo: "", modality: "" });
    writeForm();
    reload();
    loadNetwork();
    loadAlerts();
  });
  $("page-prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents(); });
  $("page-next").addEventListener("click", () => { state.offset += PAGE; loadEvents(); });
  // Cytoscape caches where its canvas sits on the page and refreshes that only on scroll and
  // resize; opening the evidence or paging the table moves it, so clicks would miss the nodes.
  for (const kind of ["mousedown", "touchstart"]) {
    $("network").addEventListener(kind, () => dash.cy && dash.cy.resize(), { capture: true, passive: true });
  }
  // Settle before re-laying out: a full-page screenshot or a dragged window fires many resizes,
  // and echarts' map layout has thrown on a transient size; one bad frame must not break the page.
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const [id, c] of Object.entries(charts)) {
        try { c.resize(); } catch (err) { console.warn(`${id}: resize failed: ${err}`); }
      }
      if (dash.cy) dash.cy.resize();
    }, 100);
  });

  readForm();
  reload();
  loadNetwork();
  loadAlerts();
})();
