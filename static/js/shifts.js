// The activity form's shift rows: each "add another shift" unfolds the next row (this works
// without JavaScript too, as nested <details>); here the new row's first field gets the focus.
(function () {
  "use strict";
  document.querySelectorAll("details[data-shift-more] > summary").forEach(function (summary) {
    summary.addEventListener("click", function () {
      var box = summary.parentElement;
      window.setTimeout(function () {
        if (!box.open) return;
        var row = box.querySelector(":scope > .shift-row");
        var first = row && row.querySelector("input, select");
        if (first) first.focus();
      }, 0);
    });
  });
})();
