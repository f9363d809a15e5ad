/* The service worker of the installable app (served at /sw.js, see starrating/pwa.py).

   What it caches, and why so little: the pages and the API answer a signed-in user with
   personal data and "Cache-Control: no-store"; they are never put in a cache here. Cached are
   only the static assets (CSS, JS, icons: the same for everybody) and one offline page without
   personal data, shown when a page cannot be reached. Typed values survive a lost signal in
   the page's own localStorage draft (static/js/sheet-draft.js), not here. */
"use strict";

var VERSION = "starrating-v1";
var OFFLINE_URL = "/offline/";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(VERSION).then(function (cache) {
      // Without cookies: the offline page is the same for everybody.
      return fetch(OFFLINE_URL, { credentials: "omit", cache: "no-store" }).then(function (response) {
        if (response.ok) {
          return cache.put(OFFLINE_URL, response);
        }
        return undefined;
      });
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== VERSION;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function isStaticAsset(url) {
  return url.origin === self.location.origin && url.pathname.indexOf("/static/") === 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method === "GET" && isStaticAsset(url)) {
    // Cache first: static files are versioned by name in production (hashed by collectstatic).
    event.respondWith(
      caches.open(VERSION).then(function (cache) {
        return cache.match(request).then(function (hit) {
          var fresh = fetch(request).then(function (response) {
            if (response.ok && response.type === "basic") {
              cache.put(request, response.clone());
            }
            return response;
          });
          return hit || fresh;
        });
      })
    );
    return;
  }
  if (request.mode === "navigate") {
    // Pages always from the network (never cached); the offline page when it is unreachable.
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(OFFLINE_URL).then(function (page) {
          return page || new Response("网络不可用，请稍后重试。", {
            status: 503,
            headers: { "Content-Type": "text/plain; charset=utf-8" }
          });
        });
      })
    );
  }
  // Everything else (API, htmx fragments, downloads) goes to the network untouched.
});
