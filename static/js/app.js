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

  // -- HTMX swaps announced, and the focus never lost (RGAA 7.1, 7.5; WCAG 4.1.3, 2.4.3) --------
  // A fragment swapped in with its content already inside is not read by screen readers, even
  // when it is a live region itself: the page keeps one region (#annonces, base.html) that
  // stays, and a swap writes into it what changed. What is said, in order of preference: the
  // fragment's data-announce, the text of a status message it holds, or the heading of a
  // fragment that is a live region (the results of a search, « 3 partenaires »).
  var live = document.getElementById("annonces");
  var announceTimer = null;

  function announce(text) {
    if (!live || !text) {
      return;
    }
    // Emptied first, then written: the same words twice in a row are read again.
    live.textContent = "";
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () {
      live.textContent = text;
    }, 100);
  }

  function spokenText(root) {
    var said = root.getAttribute("data-announce");
    if (said) {
      return said;
    }
    var candidates = [root].concat(Array.prototype.slice.call(root.querySelectorAll("[data-announce], [role=status], [aria-live]")));
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (el.id === "annonces") {
        continue;
      }
      if (el.hasAttribute("data-announce")) {
        return el.getAttribute("data-announce");
      }
      if ((el.getAttribute("role") === "status" || el.hasAttribute("aria-live")) && el !== root && el.textContent.trim()) {
        return el.textContent.replace(/\s+/g, " ").trim();
      }
    }
    if (root.hasAttribute("aria-live")) {
      var heading = root.querySelector("h2, h3, [role=status], p");
      if (heading) {
        return heading.textContent.replace(/\s+/g, " ").trim();
      }
    }
    return "";
  }

  // Where the focus was when a request started: if the swap removes that element, the focus
  // would fall back to the page's start; it goes to the same control in the new fragment, or
  // to the new fragment itself.
  var focusBefore = null;
  var focusId = "";
  document.addEventListener("htmx:beforeSwap", function () {
    focusBefore = document.activeElement;
    focusId = focusBefore && focusBefore.id ? focusBefore.id : "";
  });

  // Focus first (as soon as the new content is in), then words (once it has settled).
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.target;
    if (!root || !root.getAttribute || !root.isConnected || root === document.body) {
      return;
    }
    var active = document.activeElement;
    var lost = !active || active === document.body || (focusBefore && !focusBefore.isConnected && active === focusBefore);
    if (focusBefore && !focusBefore.isConnected && lost) {
      var again = focusId ? document.getElementById(focusId) : null;
      var target = again && root.contains(again) ? again : root;
      if (target === root && !root.hasAttribute("tabindex") && !root.matches("a[href], button, input, select, textarea")) {
        root.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    focusBefore = null;
    makeTablesScrollable(root);
    setUpFilters(root);
    // A folded form just loaded into its <details> (data-focus-first): the focus goes to its
    // first field, so that keyboard and screen-reader users land in the form they opened.
    if (root.hasAttribute("data-focus-first")) {
      var first = root.querySelector(".error-summary, input:not([type=hidden]):not([hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.target;
    if (root && root.getAttribute && root.isConnected && root !== document.body) {
      announce(spokenText(root));
    }
  });

  // A table wider than a phone scrolls inside itself (app.css): it must then be reachable with
  // the keyboard to be scrolled (RGAA 7.3, WCAG 2.1.1), so it takes a place in the tab order.
  function makeTablesScrollable(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table") : [];
    for (var i = 0; i < tables.length; i++) {
      if (!tables[i].hasAttribute("tabindex")) {
        tables[i].setAttribute("tabindex", "0");
      }
    }
  }
  makeTablesScrollable(document);

  // -- A long list of choices narrowed by a search field (data-select-filter) -----------------
  // The field is hidden in the page and shown here; typing hides the options that do not
  // match (ignoring case and accents) and says how many remain through #annonces.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUpFilters(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll("[data-select-filter][hidden]") : [];
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].hidden = false;
    }
  }
  setUpFilters(document);

  var filterTimer = null;
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-select-filter]");
    if (!box) {
      return;
    }
    var select = document.getElementById(box.getAttribute("data-select-filter"));
    if (!select) {
      return;
    }
    var words = fold(event.target.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    var options = select.querySelectorAll("option");
    for (var i = 0; i < options.length; i++) {
      var option = options[i];
      if (!option.value) {
        continue;
      }
      var label = fold(option.textContent);
      var keep = option.selected || words.every(function (word) { return label.indexOf(word) !== -1; });
      option.hidden = !keep;
      option.disabled = !keep;
      if (keep) {
        shown += 1;
      }
    }
    var groups = select.querySelectorAll("optgroup");
    for (var j = 0; j < groups.length; j++) {
      groups[j].hidden = !groups[j].querySelector("option:not([hidden])");
    }
    window.clearTimeout(filterTimer);
    filterTimer = window.setTimeout(function () {
      // The box words its count: data-none, data-one, data-many (« {n} établissements… »).
      var said = shown === 0 ? box.getAttribute("data-none") : shown === 1 ? box.getAttribute("data-one") : box.getAttribute("data-many");
      announce((said || "{n}").replace("{n}", String(shown)));
    }, 400);
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
