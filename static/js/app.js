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
  // form's buttons are disabled (hx-disabled-elt would do it too, but a disabled button loses the
  // focus, and keyboard users must find it again after the swap: the focused one is only marked
  // aria-disabled and its clicks are held back). The form says it is busy; htmx's own
  // `htmx-request` class shows the progress mark (app.css). All comes back with the answer.
  function busyRoot(event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.closest) {
      return null;
    }
    return source.closest("form") || source;
  }
  document.addEventListener("htmx:beforeSend", function (event) {
    var root = busyRoot(event);
    if (!root) {
      return;
    }
    root.setAttribute("aria-busy", "true");
    var buttons = root.matches("button") ? [root] : root.querySelectorAll("button, input[type=submit]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button === document.activeElement) {
        button.setAttribute("aria-disabled", "true");
      } else if (!button.disabled) {
        button.disabled = true;
      }
      button.setAttribute("data-busy", "");
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var root = busyRoot(event);
    if (!root) {
      return;
    }
    root.removeAttribute("aria-busy");
    var buttons = root.matches("[data-busy]") ? [root] : root.querySelectorAll("[data-busy]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.getAttribute("aria-disabled") === "true") {
        button.removeAttribute("aria-disabled");
      } else {
        button.disabled = false;
      }
      button.removeAttribute("data-busy");
    });
  });
  // A second click while the first request runs does nothing.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-busy][aria-disabled=true]");
    if (button) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A copy field selects its whole content on focus.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) {
      event.target.select();
    }
  });
})();
