// Quantity chips: typing another amount clears the chips, tapping a chip clears the box;
// on the ask page, choosing a kind of help picks the amount neighbours usually ask for
// (10 of a thing, 1 of a service) until the resident picks one themselves.
(function () {
  "use strict";
  document.querySelectorAll(".quantity-chips").forEach(function (set) {
    var name = set.dataset.chips;
    var other = set.querySelector('input[name="' + name + '_other"]');
    var form = set.closest("form");
    var touched = false;
    set.querySelectorAll('input[name="' + name + '"]').forEach(function (chip) {
      chip.addEventListener("change", function () {
        touched = true;
        if (other) other.value = "";
      });
    });
    if (other) {
      other.addEventListener("input", function () {
        touched = true;
        set.querySelectorAll('input[name="' + name + '"]').forEach(function (chip) {
          chip.checked = false;
        });
      });
    }
    if (!form) return;
    form.querySelectorAll("input[data-usual]").forEach(function (kind) {
      kind.addEventListener("change", function () {
        var legend = set.querySelector("legend");
        if (legend && legend.dataset.base === undefined) legend.dataset.base = legend.textContent.replace(/（.*）$/, "");
        if (legend) legend.textContent = legend.dataset.base + "（" + kind.dataset.unit + "）";
        if (touched) return;
        var chip = set.querySelector('input[name="' + name + '"][value="' + kind.dataset.usual + '"]');
        if (chip) chip.checked = true;
      });
    });
  });
})();
