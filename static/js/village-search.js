// The village search on the top bar: suggestions from /api/v1/villages/search/ as one types
// (name, code or pinyin initials), shown in the input's <datalist>. Enter opens the results
// page (a single match goes straight to the village).
(function () {
  "use strict";
  var form = document.getElementById("village-search");
  if (!form) return;
  var input = document.getElementById("village-search-q");
  var list = document.getElementById("village-suggestions");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var last = "";

  function show(results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    results.forEach(function (village) {
      var option = document.createElement("option");
      option.value = village.name;
      option.label = village.township + " · " + village.code;
      list.appendChild(option);
    });
  }

  function suggest() {
    var q = input.value.trim();
    if (q === last) return;
    last = q;
    if (!q) { show([]); return; }
    fetch(url + "?page_size=8&q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) { if (input.value.trim() === q) show(body.results || []); })
      .catch(function () { /* offline: the form still submits to the results page */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
