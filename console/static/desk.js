// The agent's desk: poll the desk state every 2 s; when a call connects, fetch the live case
// and put it in place (no framework, no CDN). Without JavaScript, reloading the page does it.
(function () {
  "use strict";
  var slot = document.getElementById("case-slot");
  if (!slot) { return; }
  var stateUrl = slot.getAttribute("data-state-url");
  var caseUrl = slot.getAttribute("data-case-url");
  var availability = document.getElementById("availability-now");
  var wrapUp = document.getElementById("wrap-up");

  function shownAttempt() {
    var live = document.getElementById("live-case");
    return live ? live.getAttribute("data-attempt") || "" : "";
  }

  function loadCase() {
    fetch(caseUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { slot.innerHTML = html; } });
  }

  var toCompleteSlot = document.getElementById("to-complete-slot");

  function shownToComplete() {
    var section = document.getElementById("calls-to-complete");
    return section ? section.getAttribute("data-attempts") || "" : "";
  }

  function loadToComplete() {
    if (!toCompleteSlot) { return; }
    fetch(toCompleteSlot.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { toCompleteSlot.innerHTML = html; } });
  }

  var callbacksSlot = document.getElementById("callbacks-slot");

  function shownCallbacks() {
    var section = document.getElementById("callbacks-owed");
    return section ? section.getAttribute("data-callbacks") || "" : "";
  }

  function loadCallbacks() {
    if (!callbacksSlot) { return; }
    fetch(callbacksSlot.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { callbacksSlot.innerHTML = html; } });
  }

  function tick() {
    fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        availability.textContent = availability.getAttribute("data-" + state.availability) || state.availability;
        availability.className = "availability " + state.availability;
        wrapUp.textContent = state.wrap_up_seconds_left ? state.wrap_up_seconds_left + " s" : "";
        var attempt = state.attempt_id === null ? "" : String(state.attempt_id);
        if (attempt !== shownAttempt()) { loadCase(); }
        if (state.to_complete && state.to_complete.join(",") !== shownToComplete()) { loadToComplete(); }
        // the callbacks owed changed (one added, placed, or now due): fetch them with their answers
        if (state.callbacks && state.callbacks.join(",") !== shownCallbacks()) { loadCallbacks(); }
        var line = document.getElementById("agent-line");
        // the agent line connected or dropped: show its state and the button that fits it
        if (line && typeof state.line_state === "string" && state.line_state !== line.getAttribute("data-state")) {
          window.location.reload();
        }
      })
      .catch(function () { /* try again on the next tick */ });
  }

  window.setInterval(tick, 2000);
  // the engine's answer per callback changes with the clock (calling hours): fetch it each minute
  window.setInterval(loadCallbacks, 60000);
}());
