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

  // Feedback on every HTMX submit: once the request is on its way (its values already read), the
  // form's buttons are disabled and the form says it is busy; htmx's own `htmx-request` class shows
  // the progress indicator (app.css). Everything comes back when the answer has arrived.
  document.addEventListener("htmx:beforeSend", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.closest) {
      return;
    }
    var form = source.closest("form") || source;
    form.setAttribute("aria-busy", "true");
    var buttons = form.matches("button") ? [form] : form.querySelectorAll("button, input[type=submit]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (!button.disabled) {
        button.disabled = true;
        button.setAttribute("data-busy-disabled", "");
      }
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.closest) {
      return;
    }
    var form = source.closest("form") || source;
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.querySelectorAll("[data-busy-disabled]"), function (button) {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
    });
    if (form.hasAttribute("data-busy-disabled")) {
      form.disabled = false;
      form.removeAttribute("data-busy-disabled");
    }
  });

  // A copy field selects its whole content on focus.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) {
      event.target.select();
    }
  });
})();
