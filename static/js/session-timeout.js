/* Idle timeout warning (等保2.0 会话): the server ends a session idle for
   data-idle-timeout seconds; shortly before (data-idle-warning seconds), warn the user.
   Any click or key press counts as activity and pings the server to keep the session. */
(function () {
  "use strict";
  var body = document.body;
  var timeout = parseInt(body.getAttribute("data-idle-timeout"), 10);
  var warning = parseInt(body.getAttribute("data-idle-warning"), 10);
  if (!timeout) {
    return;
  }
  var box = document.getElementById("session-warning");
  var left = document.getElementById("session-warning-left");
  var lastPing = Date.now(); // the server's idle clock restarts on each request

  function activity() {
    var now = Date.now();
    if (box) {
      box.hidden = true;
    }
    // Keep the server-side session alive at most once a minute.
    if (now - lastPing > 60000) {
      lastPing = now;
      fetch(window.location.pathname, { method: "HEAD", credentials: "same-origin" });
    }
  }
  document.addEventListener("click", activity);
  document.addEventListener("keydown", activity);

  window.setInterval(function () {
    var idle = (Date.now() - lastPing) / 1000;
    var remaining = Math.round(timeout - idle);
    if (remaining <= 0) {
      window.location.href = body.getAttribute("data-logout-url");
    } else if (remaining <= warning && box) {
      left.textContent = remaining;
      box.hidden = false;
    }
  }, 1000);
})();
