// Reports, live: a list (my reports, a unit's queue, a community's open reports) or one
// report listens on its socket and, when a report moves, reads its HTML fragment again.
// The server renders every figure and button, so the page and the push never disagree;
// a lost push leaves the page late, never wrong (it is read again on reconnect).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-list]");
  if (!root || !root.dataset.socket || !window.LinliLive) return;
  var statusEl = document.getElementById("live-status");
  var reportId = parseInt(root.dataset.report || "0", 10);
  var timer = null;
  var loading = false;
  var again = false;

  function setStatus(state) {
    root.dataset.live = state;
    if (statusEl) statusEl.textContent = statusEl.dataset[state] || "";
  }

  function busyTyping() {
    var active = document.activeElement;
    return active && root.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName) &&
      active.type !== "submit" && active.value;
  }

  function reload() {
    if (loading) { again = true; return; }
    if (busyTyping()) { schedule(1500); return; } // never wipe what someone is writing
    loading = true;
    // The same page the reader is on (?after= included), as a fragment.
    var url = root.dataset.fragment + (location.search ? "&" + location.search.slice(1) : "");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        // A session that ended answers with the login page: reload to show it, never
        // paste it into the list.
        if (response.redirected) { location.reload(); return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          root.innerHTML = html;
          if (window.htmx) window.htmx.process(root);
        }
      })
      .catch(function () {})
      .then(function () {
        loading = false;
        if (again) { again = false; schedule(200); }
      });
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(reload, ms);
  }

  var first = true;
  window.LinliLive.open({
    url: root.dataset.socket,
    onMessage: function (event) {
      if (event.type !== "report.changed" && event.type !== "report.updated") return;
      if (reportId && event.report_id !== reportId) return;
      schedule(250);
    },
    onState: function (state) {
      setStatus(state);
      if (state === "live") {
        if (!first) schedule(0); // what moved while the socket was down
        first = false;
      }
    },
  });
})();
