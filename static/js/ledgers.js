/* The ledger pages: filter selects submit their form on change (no inline handlers, CSP). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.classList && el.classList.contains("auto-submit") && el.form) {
      el.form.submit();
    }
  });
})();
