// The live board: one WebSocket per open board, resumed by seq after any break.
// Cards are rendered by the server (/posts/<id>/card/); this module only fetches
// and places them, so the page and the live updates can never disagree.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;

  var gridId = root.dataset.grid;
  var me = root.dataset.user;
  var lastSeq = parseInt(root.dataset.seq, 10) || 0;
  var feed = document.getElementById("feed");
  var pinned = document.getElementById("pinned");
  var banner = document.getElementById("new-banner");
  var statusEl = document.getElementById("live-status");
  var pending = [];

  function setStatus(state) {
    root.dataset.live = state;
    statusEl.textContent = statusEl.dataset[state] || "";
  }

  function cardUrl(postId, pin) {
    return root.dataset.cardUrl.replace("/0/", "/" + postId + "/") + (pin ? "?pin=1" : "");
  }

  function fetchCard(postId, pin) {
    return fetch(cardUrl(postId, pin), {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      if (!response.ok) return null;
      return response.text().then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var el = holder.content.firstElementChild;
        if (el && window.htmx) window.htmx.process(el);
        return el;
      });
    });
  }

  function cardsOf(postId) {
    return document.querySelectorAll('[data-post="' + postId + '"]');
  }

  function removePost(postId) {
    cardsOf(postId).forEach(function (el) { el.remove(); });
  }

  function refreshPost(postId) {
    var card = feed.querySelector('[data-post="' + postId + '"]');
    if (!card) return;
    var typing = document.activeElement;
    if (card.contains(typing) && /^(INPUT|TEXTAREA|SELECT)$/.test(typing.tagName)) {
      card.dataset.stale = "1"; // do not wipe what someone is typing; refresh on blur
      return;
    }
    var ticket = String((parseInt(card.dataset.ticket || "0", 10) || 0) + 1);
    card.dataset.ticket = ticket;
    fetchCard(postId, false).then(function (el) {
      var current = feed.querySelector('[data-post="' + postId + '"]');
      if (!current || current.dataset.ticket !== ticket) return; // a newer fetch is coming
      if (!el) { current.remove(); return; }
      el.dataset.ticket = ticket;
      current.replaceWith(el);
    });
  }

  function refreshPin(postId) {
    fetchCard(postId, true).then(function (el) {
      var old = pinned.querySelector('[data-post="' + postId + '"]');
      if (!el) { if (old) old.remove(); return; }
      if (old) old.replaceWith(el); else pinned.prepend(el);
    });
  }

  function showBanner() {
    if (!pending.length) { banner.hidden = true; return; }
    banner.textContent = pending.length === 1
      ? banner.dataset.one
      : banner.dataset.many.replace("{n}", pending.length);
    banner.hidden = false;
  }

  function insertPending() {
    var ids = pending.slice().sort(function (a, b) { return a - b; });
    pending = [];
    showBanner();
    var empty = document.getElementById("feed-empty");
    if (empty) empty.remove();
    ids.reduce(function (chain, postId) {
      return chain.then(function () {
        if (feed.querySelector('[data-post="' + postId + '"]')) return;
        return fetchCard(postId, false).then(function (el) { if (el) feed.prepend(el); });
      });
    }, Promise.resolve());
  }

  function onEvent(event) {
    if (typeof event.seq !== "number") return;
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    root.dataset.seq = String(lastSeq);
    var post = event.post;
    switch (event.type) {
      case "post.created":
        if (feed.querySelector('[data-post="' + post.id + '"]')) return;
        if (String(post.author.id) === me) { pending.push(post.id); insertPending(); return; }
        pending.push(post.id);
        showBanner();
        return;
      case "notice.published":
      case "notice.updated":
        refreshPin(post.id);
        refreshPost(post.id);
        return;
      case "post.updated":
        if (!feed.querySelector('[data-post="' + post.id + '"]')) {
          pending.push(post.id); // a restored post comes back like a new one
          showBanner();
          return;
        }
        refreshPost(post.id);
        return;
      case "post.removed":
        pending = pending.filter(function (id) { return id !== event.post_id; });
        showBanner();
        removePost(event.post_id);
        return;
      case "comment.created":
      case "comment.removed":
      case "reaction.changed":
        refreshPost(event.post_id);
        return;
    }
  }

  function onMessage(event) {
    if (event.type === "hello" || event.type === "resumed" || event.type === "error") return;
    if (event.type === "reset") { location.reload(); return; } // away too long: start fresh
    if (event.type === "skip") { if (event.seq > lastSeq) lastSeq = event.seq; return; }
    onEvent(event);
  }

  banner.addEventListener("click", insertPending);
  feed.addEventListener("focusout", function (e) {
    var card = e.target.closest && e.target.closest("[data-stale]");
    if (card && !card.contains(e.relatedTarget)) {
      delete card.dataset.stale;
      refreshPost(card.dataset.post);
    }
  });

  // Replying to a comment: the form remembers whom, the box says so.
  feed.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".reply-btn");
    if (!button) return;
    var form = button.closest("article").querySelector(".comment-form");
    form.querySelector('[name="reply_to"]').value = button.dataset.reply;
    var input = form.querySelector('[name="body"]');
    input.placeholder = "@" + button.dataset.name;
    input.focus();
  });

  // Photo previews before posting.
  var picker = document.querySelector('#compose input[type="file"]');
  var previews = document.getElementById("photo-previews");
  if (picker && previews) {
    picker.addEventListener("change", function () {
      previews.textContent = "";
      Array.prototype.slice.call(picker.files, 0, 9).forEach(function (file) {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        img.onload = function () { URL.revokeObjectURL(img.src); };
        previews.appendChild(img);
      });
    });
  }

  window.LinliLive.open({
    // ?after= asks for everything since the last event applied, before any live one.
    url: function () { return root.dataset.ws + "?after=" + lastSeq; },
    onMessage: onMessage,
    onState: setStatus,
  });
})();
