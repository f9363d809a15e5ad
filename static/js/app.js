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

  // <select data-autosubmit>: choosing a value submits its form (was onchange="…").
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  // <button data-print>: print the page (was onclick="window.print()").
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });

  // <span data-width="42">: a bar's length in percent, set through the CSSOM, which the
  // Content-Security-Policy allows (style="" attributes it does not). Run on the page and on
  // every fragment htmx swaps in (a job's progress).
  function applyWidths(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width]") : [];
    Array.prototype.forEach.call(bars, function (bar) {
      bar.style.width = bar.getAttribute("data-width") + "%";
    });
  }
  applyWidths(document);
  document.addEventListener("htmx:load", function (event) {
    applyWidths(event.detail.elt);
  });

  // A table wider than the screen scrolls sideways in its .table-wrap: keyboard users reach
  // that scroll by focusing the wrapper (WCAG 2.1.1), so it joins the tab order then only.
  function scrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) {
          wrap.setAttribute("role", "region");
          var table = wrap.querySelector("table");
          var caption = wrap.closest(".card") && wrap.closest(".card").querySelector("h2");
          wrap.setAttribute("aria-label", (caption && caption.textContent.trim()) || (table && table.id) || "表格");
        }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  scrollableTables();
  window.addEventListener("resize", scrollableTables);

  // After a refused save the page comes back with the problems listed: move the focus to the
  // first field marked wrong (aria-invalid), else to the error box, so keyboard and screen
  // reader users land on what needs fixing instead of the top of the page.
  var firstWrong = document.querySelector("[aria-invalid=true]");
  var errorBox = document.getElementById("error-box");
  if (firstWrong || errorBox) {
    var target = firstWrong || errorBox;
    if (!firstWrong) {
      errorBox.setAttribute("tabindex", "-1");
    }
    var details = target.closest && target.closest("details");
    if (details) {
      details.open = true;
    }
    target.focus();
    if (target.scrollIntoView) {
      target.scrollIntoView({ block: "center" });
    }
  }

  // htmx reads the CSRF token from the page for its POSTs.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.getAttribute("content");
    }
  });
})();
