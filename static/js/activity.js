// Live places on an activity page. The server sends whole snapshots (places per shift,
// my own sign-ups) with a version; a snapshot older than the one shown is ignored, and a
// reconnect gets the current one, so nothing incremental can be lost.
(function () {
  "use strict";
  var root = document.getElementById("activity");
  if (!root) return;

  var version = parseInt(root.dataset.version, 10) || 0;
  var statusEl = document.getElementById("live-status");
  var labelsEl = document.getElementById("state-labels");
  var labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};

  function setStatus(state) {
    root.dataset.live = state;
    if (statusEl) statusEl.textContent = statusEl.dataset[state] || "";
  }

  function applySlot(slot) {
    var left = root.querySelector('[data-slot-left="' + slot.id + '"]');
    if (left) left.textContent = String(slot.left);
    var waiting = root.querySelector('[data-slot-waiting="' + slot.id + '"]');
    if (waiting) {
      waiting.dataset.count = String(slot.waitlisted);
      waiting.hidden = slot.waitlisted === 0;
      var count = waiting.querySelector("span");
      if (count) count.textContent = String(slot.waitlisted);
    }
    var button = root.querySelector('[data-signup-slot="' + slot.id + '"]');
    if (button) {
      var full = slot.left === 0;
      button.textContent = full ? button.dataset.labelFull : button.dataset.labelOpen;
      button.disabled = full && root.dataset.waitlist !== "1";
    }
  }

  function applyMine(mine) {
    var list = document.getElementById("my-signups");
    if (!list) return;
    var states = {};
    mine.forEach(function (s) { states[s.id] = s.state; });
    list.querySelectorAll("[data-signup]").forEach(function (row) {
      var state = states[row.dataset.signup] || "cancelled";
      if (row.dataset.state === state) return;
      row.dataset.state = state;
      var badge = row.querySelector("[data-signup-state]");
      if (badge) {
        badge.textContent = labels[state] || state;
        badge.classList.toggle("ok", state === "confirmed" || state === "attended");
      }
      if (state !== "confirmed" && state !== "waitlisted") {
        var form = row.querySelector("form[data-cancel]");
        if (form) form.remove();
      }
    });
  }

  function onSnapshot(snapshot) {
    if (snapshot.type !== "activity.seats" || typeof snapshot.version !== "number") return;
    if (snapshot.version < version) return;
    version = snapshot.version;
    root.dataset.version = String(version);
    (snapshot.slots || []).forEach(applySlot);
    applyMine(snapshot.mine || []);
  }

  // Signing up someone new: their name and age appear only when chosen.
  var form = document.getElementById("signup-form");
  var newMember = document.getElementById("new-member");
  function showNewMember() {
    var on = !!form.querySelector('input[name="who"][value="new"]:checked');
    newMember.hidden = !on;
    newMember.querySelectorAll("input, select").forEach(function (el) { el.required = on; });
  }
  if (form && newMember) {
    form.addEventListener("change", function (e) {
      if (e.target.name === "who") showNewMember();
    });
    showNewMember();
  }

  window.LinliLive.open({
    url: function () { return root.dataset.ws; },
    onMessage: onSnapshot,
    onState: setStatus,
  });
})();
