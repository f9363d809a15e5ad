/* Small behaviours shared by every page: confirmation dialogs and keyboard flow on sheets. */
(function () {
  "use strict";

  // <button data-confirm="…"> or <form data-confirm="…">: ask before sending.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // On a score sheet, Enter moves to the next points input instead of submitting the form.
  // In a note, Enter goes on to the next item's points.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList) {
      return;
    }
    var isPoints = input.classList.contains("points-input");
    if (!isPoints && !input.classList.contains("note-input")) {
      return;
    }
    event.preventDefault();
    var own = isPoints ? input : input.closest(".item-input").querySelector(".points-input");
    var inputs = Array.prototype.slice.call(document.querySelectorAll(".points-input:not([disabled])"));
    var next = inputs[inputs.indexOf(own) + (event.shiftKey && isPoints ? -1 : 1)];
    if (next) {
      next.focus();
      next.select();
    }
  });

  // htmx reads the CSRF token from the page for its POSTs.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.getAttribute("content");
    }
  });
})();
