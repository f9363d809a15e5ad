/* Registers the service worker of the installable app (static/pwa/sw.js, served at /sw.js). */
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // Without a worker the site works as before; nothing to tell the user.
      });
    });
  }
})();
