// Clas Local: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";

  // Forms with data-confirm ask before submitting (no inline JavaScript: the CSP forbids it).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // After an HTMX swap that shows form errors, move focus to the summary so that
  // screen-reader and keyboard users learn what went wrong.
  // The event fires on the swapped-in content (for an outerHTML swap, the new element:
  // detail.target is then the replaced one, and some swaps carry no detail.target at all).
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target;
    if (!root || !root.querySelector) {
      return;
    }
    var summary = root.matches(".error-summary") ? root : root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });

  // A copy field selects its whole content on focus.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) {
      event.target.select();
    }
  });
})();
