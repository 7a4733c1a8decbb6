// A campaign's live dashboard: the server sends a whole snapshot on connect and after
// every change; this module writes its figures into the page. No figures are computed
// here, so the page and the live updates can never disagree.
(function () {
  "use strict";
  var root = document.getElementById("campaign");
  if (!root) return;

  var version = parseInt(root.dataset.version, 10) || 0;
  var statusEl = document.getElementById("live-status");

  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function setStatus(state) {
    root.dataset.live = state;
    statusEl.textContent = statusEl.dataset[state] || "";
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function cell(name, figure) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    var strong = document.createElement("strong");
    label.textContent = name;
    strong.textContent = figure;
    li.appendChild(label);
    li.appendChild(strong);
    return li;
  }

  function fillList(list, rows, toCell) {
    list.textContent = "";
    if (!rows.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = list.dataset.empty;
      list.appendChild(empty);
      return;
    }
    rows.forEach(function (row) { list.appendChild(toCell(row)); });
  }

  function apply(snapshot) {
    if (snapshot.version < version) return;
    version = snapshot.version;
    root.dataset.version = String(version);
    snapshot.categories.forEach(function (c) { setText("handed-" + c.id, grouped(c.quantity)); });
    setText("needs-met", grouped(snapshot.needs_met));
    setText("handovers", grouped(snapshot.handovers));
    var progress = document.getElementById("progress");
    if (progress && snapshot.progress !== null) {
      progress.value = snapshot.progress;
      progress.textContent = snapshot.progress + "%";
      setText("progress-text", String(snapshot.progress));
      setText("progress-done", grouped(snapshot.handed_over));
    }
    fillList(document.getElementById("urgent-by-grid"), snapshot.urgent_by_grid, function (g) {
      var li = cell(g.name, grouped(g.open_urgent));
      li.dataset.grid = g.id;
      return li;
    });
    var givers = document.getElementById("top-givers");
    var unit = givers.dataset.unit ? " " + givers.dataset.unit : "";
    fillList(givers, snapshot.top_givers, function (g) {
      return cell(g.display_name, grouped(g.quantity) + unit);
    });
  }

  window.LinliLive.open({
    url: function () { return root.dataset.ws; },
    onMessage: function (event) {
      if (event.type === "campaign.snapshot") apply(event.dashboard);
    },
    onState: setStatus,
  });
})();
