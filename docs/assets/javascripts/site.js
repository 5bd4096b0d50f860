/* The site's one script, loaded from its own origin.
   1. Copy buttons on the bibliography page: copy an entry's APA text or its BibTeX. Works
      offline and on plain-http intranets, where the async Clipboard API is missing: it falls
      back to a selected, off-screen textarea and execCommand("copy").
   2. Names Material's search dialog for assistive technology (it has role="dialog" but no
      name); Zensical's template already names it, so the label is only added when missing.
   3. Citation previews: hovering or focusing an in-text citation shows the entry it links to
      in the page's reference list. The text is read with textContent and written with
      textContent, so nothing in a BibTeX field can become markup, whatever the theme, the
      engine or the server's security policy. (The theme's own tooltips insert a title
      attribute as HTML, which is why citations carry no title.) The preview can be hovered,
      and Escape dismisses it (WCAG 1.4.13). */
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

  var PREVIEW_ID = "citation-preview";
  var preview = null;
  var previewed = null;
  var hideTimer = 0;

  function previewText(link) {
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) !== "#") return "";
    var entry = document.getElementById(decodeURIComponent(href.slice(1)));
    var text = entry && entry.querySelector(".reference__text");
    return text ? text.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function previewBox() {
    if (!preview) {
      preview = document.createElement("div");
      preview.id = PREVIEW_ID;
      preview.className = "citation-preview";
      preview.setAttribute("role", "tooltip");
      preview.hidden = true;
      preview.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
      preview.addEventListener("mouseleave", function () { scheduleHide(); });
      document.body.appendChild(preview);
    }
    return preview;
  }

  function place(box, link) {
    var rect = link.getBoundingClientRect();
    var margin = 8;
    var width = box.offsetWidth;
    var left = Math.min(rect.left, document.documentElement.clientWidth - width - margin);
    var top = rect.bottom + margin;
    if (top + box.offsetHeight > window.innerHeight && rect.top - box.offsetHeight - margin > 0) {
      top = rect.top - box.offsetHeight - margin;
    }
    box.style.left = Math.max(margin, left) + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function showPreview(link) {
    window.clearTimeout(hideTimer);
    var text = previewText(link);
    if (!text) return;
    if (previewed && previewed !== link) previewed.removeAttribute("aria-describedby");
    var box = previewBox();
    box.textContent = text;
    box.hidden = false;
    place(box, link);
    link.setAttribute("aria-describedby", PREVIEW_ID);
    previewed = link;
  }

  function hidePreview() {
    window.clearTimeout(hideTimer);
    if (preview) preview.hidden = true;
    if (previewed) previewed.removeAttribute("aria-describedby");
    previewed = null;
  }

  function scheduleHide() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hidePreview, 300);
  }

  function citationLink(target) {
    return target instanceof Element ? target.closest("a.citation__link") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var link = citationLink(event.target);
    if (link) showPreview(link);
  });
  document.addEventListener("mouseout", function (event) {
    if (citationLink(event.target)) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var link = citationLink(event.target);
    if (link) showPreview(link);
  });
  document.addEventListener("focusout", function (event) {
    if (citationLink(event.target)) hidePreview();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && previewed) hidePreview();
  });
})();

/* Opened from disk (file://, a file share), the theme's search cannot run: browsers do
   not start its web worker there. The file-share build (make dist-offline) leaves search
   out, and this puts a visible note in the header in its place. */
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;
  var title = document.querySelector(".md-header__title");
  if (!title || document.querySelector(".search-offline-note")) return;
  var note = document.createElement("p");
  note.className = "search-offline-note";
  note.textContent = "Search needs a web server: not available in this copy.";
  title.after(note);
})();
