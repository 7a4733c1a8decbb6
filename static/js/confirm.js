/* Confirm before a destructive form is sent: <form data-confirm="Remove 王阿姨 from the grid?">.
 * Served from 'self' (the CSP allows no inline script). It listens on the document, in the
 * capture phase, so it also guards forms htmx added or swapped in after the page loaded,
 * and it runs before htmx sends an hx-post form (htmx forms may use hx-confirm instead). */
(function () {
  "use strict";

  function ask(form, event) {
    var text = form.getAttribute("data-confirm");
    if (!text || form.dataset.confirmed === "1") return;
    if (!window.confirm(text)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) ask(form, event);
  }, true);

  // A form sent by a button outside it (form="...") or by requestSubmit() still fires
  // "submit", so the listener above covers it. htmx triggers on "submit" too: stopping the
  // event there stops the request.
})();
