// The asker's need page hears, live on their own stream (/ws/me/), when a neighbour
// promises help for it, and says so in words at once; the page then shows who and the code.
(function () {
  "use strict";
  var box = document.getElementById("need-live");
  if (!box || !window.LinliLive) return;
  var needId = parseInt(box.dataset.need, 10);

  function words(event) {
    return box.dataset.template
      .replace("{by}", event.by)
      .replace("{quantity}", String(event.quantity).replace(/\B(?=(\d{3})+(?!\d))/g, ","))
      .replace("{unit}", event.unit)
      .replace("{category}", event.category);
  }

  window.LinliLive.open({
    url: "/ws/me/",
    onMessage: function (event) {
      if (event.type !== "aid.help_coming" || event.need_id !== needId) return;
      var line = document.createElement("p");
      line.className = "msg";
      line.textContent = words(event) + " ";
      var link = document.createElement("a");
      link.href = "/mutual-aid/claims/" + event.claim_id + "/";
      link.textContent = box.dataset.see;
      line.appendChild(link);
      box.appendChild(line);
      box.hidden = false;
    },
  });
})();
