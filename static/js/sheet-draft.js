/* A score sheet that survives a lost signal (issue 12).

   - Every value typed is kept in this browser's localStorage, per user, sheet and the version
     the typing started from: "starrating:draft:<user>:<assessment>:<stage>:v<version>".
   - On (re)load a kept draft that differs from the page is offered back: "恢复未保存的输入？".
     A draft typed over an older version is restored together with that older version, so the
     server's version check (optimistic concurrency) sees the newer save and shows both values
     side by side instead of overwriting it.
   - Saving while offline is held: the page says so, and saves by itself when the connection
     returns (the "online" event, and retries with a growing pause), still through the same
     form and version check.
   - After a successful save the server redirects with ?saved=<version>: drafts typed before
     that version are removed.
   - On a version conflict the table of differences lets the user take theirs or the other's
     value per item (or all at once). */
(function () {
  "use strict";

  var form = document.getElementById("sheet-form");
  if (!form || !form.getAttribute("data-draft") || !window.localStorage) {
    return;
  }
  var prefix = form.getAttribute("data-draft") + ":v";
  var versionInput = form.querySelector("input[name=version]");
  var base = parseInt(versionInput.value, 10) || 0;
  var banner = document.getElementById("draft-banner");
  var status = document.getElementById("offline-status");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.name.indexOf("p_") === 0 || el.name.indexOf("n_") === 0);
    });
  }

  function currentValues() {
    var values = {};
    fields().forEach(function (el) {
      values[el.name] = el.value;
    });
    return values;
  }

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (e) {
      return null;
    }
  }

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function keep() {
    try {
      window.localStorage.setItem(prefix + base, JSON.stringify({
        base: base, values: currentValues(), at: Date.now()
      }));
    } catch (e) {
      // Storage full or refused (private mode): the page still works, only without a copy.
    }
  }

  function removeDrafts(below) {
    draftKeys().forEach(function (key) {
      var draft = read(key);
      if (!draft || below === undefined || draft.base < below) {
        window.localStorage.removeItem(key);
      }
    });
  }

  function differs(values) {
    var now = currentValues();
    return Object.keys(values).some(function (name) {
      return name in now && String(values[name]) !== String(now[name]);
    });
  }

  function changed(el) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // 1. A successful save: the drafts typed before it are stored now.
  var params = new URLSearchParams(window.location.search);
  var saved = parseInt(params.get("saved"), 10);
  if (saved) {
    removeDrafts(saved);
    params.delete("saved");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  // 2. Offer back the latest kept draft that differs from what the page shows.
  var latest = null;
  draftKeys().forEach(function (key) {
    var draft = read(key);
    if (draft && draft.values && (!latest || draft.at > latest.at)) {
      latest = draft;
    }
  });
  if (latest && differs(latest.values) && banner) {
    var when = new Date(latest.at);
    var text = "本机保存了" + when.toLocaleString("zh-CN", { hour12: false }) + "填写但尚未保存到服务器的数值。";
    if (latest.base < base) {
      text += "此后本表已被保存过（当前版本 " + base + "）：恢复后再保存时，系统会逐项列出您的数值与已保存的数值，由您选择。";
    }
    document.getElementById("draft-text").textContent = text;
    banner.hidden = false;
    document.getElementById("draft-restore").addEventListener("click", function () {
      var last = null;
      fields().forEach(function (el) {
        if (el.name in latest.values) {
          el.value = latest.values[el.name];
          last = el;
        }
      });
      if (latest.base < base) {
        // Save against the version the typing started from: the server then shows both.
        base = latest.base;
        versionInput.value = String(base);
      }
      banner.hidden = true;
      keep();
      if (last) {
        changed(last);
      }
      var first = form.querySelector(".points-input");
      if (first) {
        first.focus();
      }
    });
    document.getElementById("draft-discard").addEventListener("click", function () {
      removeDrafts();
      banner.hidden = true;
    });
  }

  // 3. Keep every value typed.
  form.addEventListener("input", keep);
  form.addEventListener("change", keep);

  // 4. Saving while offline waits for the connection, then goes through the same form.
  var queued = null;
  var pause = 2000;
  var timer = null;

  function say(message) {
    if (status) {
      status.textContent = message;
      status.hidden = !message;
    }
  }

  function send() {
    var action = form.querySelector("input[name=action][type=hidden]");
    if (!action) {
      action = document.createElement("input");
      action.type = "hidden";
      action.name = "action";
      form.appendChild(action);
    }
    action.value = queued;
    form.submit();  // not requestSubmit: the user has confirmed already
  }

  function retry() {
    timer = null;
    if (!queued) {
      return;
    }
    if (!navigator.onLine) {
      schedule();
      return;
    }
    // A light request first (the offline page: small, no personal data): an answer means the
    // server is reachable. (Not form.action: the buttons named "action" shadow it.)
    fetch("/offline/", { credentials: "omit", cache: "no-store" })
      .then(function () {
        say("网络已恢复，正在保存……");
        send();
      })
      .catch(schedule);
  }

  function schedule() {
    if (timer) {
      return;
    }
    timer = window.setTimeout(retry, pause);
    pause = Math.min(pause * 2, 60000);
  }

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return;  // a confirmation was declined
    }
    keep();
    if (navigator.onLine === false) {
      event.preventDefault();
      queued = (event.submitter && event.submitter.value) || "save";
      say("网络已断开：您填写的数值已保存在本机，不会丢失。联网后将自动" +
        (queued === "submit" ? "提交" : "保存") + "。");
      pause = 2000;
      schedule();
      return;
    }
  });

  window.addEventListener("offline", function () {
    say("网络已断开：您继续填写的数值会保存在本机，联网后再保存。");
  });
  window.addEventListener("online", function () {
    if (queued) {
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
      }
      pause = 2000;
      retry();
    } else {
      say("");
    }
  });

  // 5. A version conflict: take mine or theirs per item, or all at once.
  function use(row, which) {
    var input = document.getElementById("p_" + row.getAttribute("data-code"));
    if (!input) {
      return;
    }
    input.value = row.getAttribute(which === "theirs" ? "data-theirs" : "data-mine");
    Array.prototype.forEach.call(row.querySelectorAll("[data-conflict-use]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-conflict-use") === which));
    });
    changed(input);
  }
  document.addEventListener("click", function (event) {
    var one = event.target.closest && event.target.closest("[data-conflict-use]");
    if (one) {
      use(one.closest("tr"), one.getAttribute("data-conflict-use"));
      return;
    }
    var all = event.target.closest && event.target.closest("[data-conflict-all]");
    if (all) {
      var which = all.getAttribute("data-conflict-all");
      Array.prototype.forEach.call(document.querySelectorAll("#conflict-table tbody tr"), function (row) {
        use(row, which);
      });
    }
  });
})();
