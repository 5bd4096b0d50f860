/* The site's one script, loaded from its own origin.
   1. Copy buttons on the bibliography page: copy an entry's APA text or its BibTeX. Works
      offline and on plain-http intranets, where the async Clipboard API is missing: it falls
      back to a selected, off-screen textarea and execCommand("copy").
   2. Names Material's search dialog for assistive technology (it has role="dialog" but no
      name); Zensical's template already names it, so the label is only added when missing. */
(function () {
  "use strict";

  var search = document.querySelector('.md-search[role="dialog"]');
  if (search && !search.hasAttribute("aria-label") && !search.hasAttribute("aria-labelledby")) {
    search.setAttribute("aria-label", "Search");
  }

  function entryText(button) {
    var entry = button.closest("li.reference");
    if (!entry) return "";
    var selector = button.dataset.copy === "bibtex" ? ".reference__bibtex code" : ".reference__text";
    var source = entry.querySelector(selector);
    return source ? source.textContent.trim() : "";
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  function announce(message) {
    var status = document.getElementById("copy-status");
    if (!status) {
      status = document.createElement("div");
      status.id = "copy-status";
      status.className = "copy-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = message;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("button[data-copy]");
    if (!button) return;
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    copy(entryText(button)).then(
      function () {
        button.textContent = "Copied";
        announce(label.replace("Copy ", "") + " reference copied to the clipboard");
      },
      function () {
        button.textContent = "Copy failed";
        announce("Copying failed: select the text and copy it by hand");
      }
    ).then(function () {
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
