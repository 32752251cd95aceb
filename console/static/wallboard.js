// The supervisor's wallboard: fetch /wallboard/state every 2 s and update the tiles in place
// (no framework, no CDN). Labels come translated in the page's data- attributes.
(function () {
  "use strict";
  var board = document.getElementById("wallboard");
  if (!board) { return; }
  var url = board.getAttribute("data-state-url");
  var every = parseInt(board.getAttribute("data-poll"), 10) || 2000;

  function label(key) { return board.getAttribute("data-" + key) || key; }
  function byId(id) { return document.getElementById(id); }
  function text(id, value) { var el = byId(id); if (el) { el.textContent = value; } }
  function pct(rate) { return rate === null ? "\u2013" : (rate * 100).toFixed(1) + " %"; }

  function cell(row, value, className) {
    var td = document.createElement("td");
    td.textContent = value;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function line(a) {
    if (!a.line) { return label("line-none"); }
    var since = a.line_since ? " " + new Date(a.line_since).toLocaleTimeString() : "";
    return label("line-" + a.line) + since;
  }

  function agents(list) {
    var body = byId("wb-agent-rows");
    body.textContent = "";
    if (list.length === 0) {
      var empty = document.createElement("tr");
      cell(empty, label("none"), "muted");
      body.appendChild(empty);
      return;
    }
    list.forEach(function (a) {
      var row = document.createElement("tr");
      row.setAttribute("data-agent", String(a.id));
      cell(row, a.name);
      cell(row, label(a.availability), "availability " + a.availability);
      cell(row, a.seconds_in_state === null ? "" : a.seconds_in_state + " s");
      cell(row, a.languages.join(", "));
      cell(row, a.case_ref || "");
      cell(row, line(a), "line " + (a.line || "none"));
      body.appendChild(row);
    });
  }

  function counts(containerId, attribute, values) {
    var spans = byId(containerId).querySelectorAll("[" + attribute + "]");
    Array.prototype.forEach.call(spans, function (span) {
      var strong = span.querySelector("strong");
      var key = span.getAttribute(attribute);
      if (strong && Object.prototype.hasOwnProperty.call(values, key)) {
        strong.textContent = String(values[key]);
      }
    });
  }

  function abandonment(prefix, tile) {
    text(prefix, pct(tile.rate));
    text(prefix + "-count", tile.abandoned + " / " + tile.live_answered);
    text(prefix + "-flag", tile.over_cap ? label("over-cap") : "");
  }

  function render(state) {
    agents(state.agents);
    counts("wb-agent-states", "data-state", state.agents_by_state);
    counts("wb-call-states", "data-status", state.calls_in_flight);
    var total = 0;
    Object.keys(state.calls_in_flight).forEach(function (k) { total += state.calls_in_flight[k]; });
    text("wb-calls-total", String(total));
    abandonment("wb-abandon-today", state.abandonment_today);
    abandonment("wb-abandon-30", state.abandonment_30_days);
    Object.keys(state.queue).forEach(function (k) { text("wb-queue-" + k, String(state.queue[k])); });
    var updated = byId("wb-updated");
    updated.textContent = updated.getAttribute("data-label") + " " + new Date(state.at).toLocaleTimeString();
  }

  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) { render(state); } })
      .catch(function () { /* try again on the next tick */ });
  }

  window.setInterval(tick, every);
}());
