/* In-place editing of the role sheet with htmx: where the focus goes after a swap, and what a
   screen reader hears when a request fails. Loaded from our own files with the CSP nonce; no
   inline script, no eval. Without JavaScript none of this runs and the forms work as pages. */
(function () {
  "use strict";

  // What had the focus when a request started (a "Move up/down" button keeps it when it is
  // still there after the swap), and the link that opened an in-place form (it gets the focus
  // back when the form is cancelled).
  var keptId = null;
  var openerId = null;

  function focusOn(element) {
    if (!element) {
      return false;
    }
    // A button in a folded menu or mission (a closed <details>) is shown before it is focused.
    for (var fold = element.closest("details"); fold; fold = fold.parentElement.closest("details")) {
      fold.open = true;
    }
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    keptId = active && active.id && active.hasAttribute("data-keep-focus") ? active.id : null;
    var source = event.detail.elt;
    if (source && source.hasAttribute("data-opens-form") && source.id) {
      openerId = source.id;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    // A form opened (or sent back with errors): its first field in error, else its first field.
    var form = document.querySelector("[data-autofocus]");
    if (form) {
      form.removeAttribute("data-autofocus");
      focusOn(
        form.querySelector("[aria-invalid=true], .is-invalid") ||
          form.querySelector("input:not([type=hidden]), select, textarea, button")
      );
      return;
    }
    // The missions section was replaced: the button pressed, else what the server names
    // (the changed task or mission), else the link that opened the form, else the heading.
    var section = document.querySelector("[data-focus]");
    if (!section) {
      return;
    }
    var wanted = section.getAttribute("data-focus");
    section.removeAttribute("data-focus");
    var done =
      focusOn(byId(keptId)) ||
      focusOn(byId(wanted)) ||
      focusOn(byId(openerId)) ||
      focusOn(byId("missions-title"));
    keptId = openerId = null;
    return done;
  });

  // A refused or failed request (403, 404, 500, network): say so in the live region.
  function announceFailure() {
    var region = document.getElementById("messages");
    if (!region) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.textContent = region.getAttribute("data-error-text") || "Error";
    region.replaceChildren(alert);
  }

  document.addEventListener("htmx:responseError", announceFailure);
  document.addEventListener("htmx:sendError", announceFailure);

  // On a phone the role sheet folds its missions but the first (they are open without
  // JavaScript); an in-place edit keeps each mission folded or open as it was.
  var phone = window.matchMedia("(max-width: 575.98px)");
  var openFolds = null;

  function folds() {
    return Array.prototype.slice.call(document.querySelectorAll("details.mission-fold"));
  }

  function foldOnPhone() {
    if (phone.matches) {
      folds().forEach(function (fold, index) {
        fold.open = index === 0;
      });
    }
  }

  document.addEventListener("htmx:beforeSwap", function () {
    openFolds = {};
    folds().forEach(function (fold) {
      openFolds[fold.id] = fold.open;
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (openFolds) {
      folds().forEach(function (fold) {
        if (fold.id in openFolds) {
          fold.open = openFolds[fold.id];
        }
      });
      openFolds = null;
    }
  });

  // Textareas grow with their content where CSS field-sizing is not supported.
  function grow(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  }

  if (!(window.CSS && CSS.supports("field-sizing", "content"))) {
    document.addEventListener("input", function (event) {
      if (event.target.matches("textarea")) {
        grow(event.target);
      }
    });
    document.addEventListener("htmx:afterSettle", function () {
      document.querySelectorAll("textarea").forEach(grow);
    });
    document.addEventListener("DOMContentLoaded", function () {
      document.querySelectorAll("textarea").forEach(grow);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldOnPhone);
  } else {
    foldOnPhone();
  }
})();
