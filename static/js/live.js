// The one live-socket client: every page that listens opens its stream through here.
//
//   var live = LinliLive.open({
//     url: function () { return "/ws/grids/7/?after=" + lastSeq; },  // asked before each attempt
//     onMessage: function (data) { ... },     // each message, already parsed from JSON
//     onState: function (state, code) { ... } // "connecting" | "live" | "offline" | "closed"
//   });
//   live.send({type: "resume", after: 12});  // JSON; false when not open
//   live.reconnect();  // try now if the socket is down (no-op while open or connecting)
//   live.close();      // stop for good
//   live.socket, live.state, live.closeCode  // the current WebSocket and how it is doing
//
// A break is retried with exponential backoff and jitter, and at once when the network
// comes back or the page is shown again. 4401 (not logged in) and 4403 (not allowed, or
// removed) are final: the state becomes "closed" and nothing is retried, so the page can
// say so. Every other close, 4xxx included, is retried. The page's url() is asked again
// on every attempt, so a stream that numbers its events can resume from the last one.
(function () {
  "use strict";

  var FINAL_CODES = [4401, 4403];
  var FIRST_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;
  var STABLE_MS = 5000; // a socket that lasted this long starts the backoff afresh
  var connections = [];

  function socketUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    var url = new URL(path, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  function retryDelay(attempt) {
    var ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, attempt));
    return ceiling * (0.5 + Math.random() / 2); // jitter: a server restart is not a stampede
  }

  function open(options) {
    var url = typeof options.url === "function" ? options.url : function () { return options.url; };
    var onMessage = options.onMessage || function () {};
    var onState = options.onState || function () {};
    var attempt = 0;
    var retryTimer = null;
    var openedAt = 0;
    var stopped = false;

    var connection = {
      socket: null,
      state: "",
      closeCode: null,
      send: send,
      reconnect: connect,
      close: close,
    };

    function setState(state, code) {
      connection.state = state;
      onState(state, code);
    }

    function connect() {
      clearTimeout(retryTimer);
      if (stopped) return;
      var current = connection.socket;
      if (current && current.readyState <= WebSocket.OPEN) return; // connecting or open
      setState("connecting");
      var socket = new WebSocket(socketUrl(url()));
      connection.socket = socket;
      socket.onopen = function () {
        if (connection.socket !== socket) return;
        openedAt = Date.now();
        setState("live");
      };
      socket.onmessage = function (message) {
        if (connection.socket !== socket) return;
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        if (data !== null && typeof data === "object") onMessage(data, connection);
      };
      socket.onclose = function (event) {
        if (connection.socket !== socket || stopped) return;
        connection.closeCode = event.code;
        if (FINAL_CODES.indexOf(event.code) !== -1) {
          stopped = true;
          setState("closed", event.code);
          return;
        }
        if (openedAt && Date.now() - openedAt >= STABLE_MS) attempt = 0;
        openedAt = 0;
        setState("offline", event.code);
        retryTimer = setTimeout(connect, retryDelay(attempt++));
      };
    }

    function send(data) {
      var socket = connection.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(data));
      return true;
    }

    function close() {
      if (stopped) return;
      stopped = true;
      clearTimeout(retryTimer);
      if (connection.socket) connection.socket.close(1000);
      setState("closed");
    }

    connections.push(connection);
    connect();
    return connection;
  }

  function reconnectAll() {
    connections.forEach(function (connection) { connection.reconnect(); });
  }

  window.addEventListener("online", reconnectAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") reconnectAll();
  });

  window.LinliLive = {
    open: open,
    connections: connections, // every stream this page opened (for tests and debugging)
    FINAL_CODES: FINAL_CODES.slice(),
  };
})();
