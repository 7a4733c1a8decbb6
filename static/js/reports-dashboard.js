// A reports dashboard, live: each `report.changed` nudge on /ws/reports/<scope>/<id>/
// has the page read its figures fragment again (at most one read in flight, nudges in a
// burst read once), and after a break it reads them once more for what it missed. No
// figure is computed here: the page and the fragment come from the same selector.
(function () {
  "use strict";
  var root = document.getElementById("reports-dashboard");
  if (!root || !window.LinliLive) return;

  var figures = document.getElementById("dashboard-figures");
  var statusEl = document.getElementById("live-status");
  var DELAY_MS = 1500;
  var timer = null;
  var reading = false;
  var readAgain = false;
  var missed = false;
  var socketState = "connecting";

  function setStatus(state) {
    root.dataset.live = state;
    statusEl.textContent = statusEl.dataset[state] || "";
  }

  function read() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    figures.setAttribute("aria-busy", "true");
    fetch(root.dataset.figures, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        // Signed out meanwhile: the login page is not figures.
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        figures.innerHTML = html;
        setStatus(socketState);
      })
      .catch(function () {
        // Signed out, or the server is away: the figures shown may be old; say so.
        setStatus("closed");
      })
      .then(function () {
        reading = false;
        figures.removeAttribute("aria-busy");
        if (readAgain) {
          readAgain = false;
          soon();
        }
      });
  }

  function soon() {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      read();
    }, DELAY_MS);
  }

  window.LinliLive.open({
    url: function () { return root.dataset.ws; },
    onMessage: function (event) {
      if (event.type === "report.changed") soon();
    },
    onState: function (state) {
      if (state === "offline") missed = true;
      if (state === "live" && missed) {
        missed = false;
        soon();
      }
      socketState = state;
      setStatus(state);
    },
  });
})();
