/* The site's one script, loaded from its own origin.
   1. Copy buttons on the bibliography page: copy an entry as APA 7, Vancouver or Harvard
      (an HTML flavour with its italics and a plain-text flavour, so a word processor keeps
      the italics and a plain editor gets text), or its BibTeX (plain text). Works offline and
      on plain-http intranets, where the async Clipboard API is missing: it falls back to
      execCommand("copy") with a copy-event handler that sets both flavours.
      The words the script shows for the engine's features (the copy confirmations, the
      filter's count, the back links' names) are the engine's options, read from data-*
      attributes (citation_engine/MARKUP.md); the English here is only a fallback.
   2. Names Material's search dialog for assistive technology (it has role="dialog" but no
      name); Zensical's template already names it, so the label is only added when missing.
   3. Citation previews: hovering or focusing an in-text citation shows the entry it links to
      in the page's reference list. The text is read with textContent and written with
      textContent, so nothing in a BibTeX field can become markup, whatever the theme, the
      engine or the server's security policy. (The theme's own tooltips insert a title
      attribute as HTML, which is why citations carry no title.) The preview can be hovered,
      and Escape dismisses it (WCAG 1.4.13).
   4. The bibliography filter: shows the filter box the page ships hidden, and hides the
      entries (and emptied letter sections) whose text lacks any typed word. A live region
      gives the count, and a message says so when nothing matches.
   5. Wide tables: a table wider than its column gets a visible "scroll sideways" hint, a
      shadow at the edge that hides columns, and a keyboard-focusable, named scroll region. */
(function () {
  "use strict";

  // A text the engine wrote on an element (an option of the site's), else the fallback.
  function engineText(element, attribute, fallback) {
    var value = element ? element.getAttribute(attribute) : null;
    return value === null ? fallback : value;
  }

  // Fill "{name}"-style placeholders.
  function filled(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  var search = document.querySelector('.md-search[role="dialog"]');
  if (search && !search.hasAttribute("aria-label") && !search.hasAttribute("aria-labelledby")) {
    search.setAttribute("aria-label", "Search");
  }

  // The element whose content a button copies: the BibTeX source, the entry as the page
  // shows it (APA), or its rendering in another copy style, kept in the entry's <template>.
  function copySource(button) {
    var entry = button.closest("li.reference");
    if (!entry) return null;
    var kind = button.dataset.copy;
    if (kind === "bibtex") return entry.querySelector(".reference__bibtex-source");
    if (kind === "apa") return entry.querySelector(".reference__text");
    var copies = entry.querySelector("template.reference__copies");
    var texts = copies ? copies.content.querySelectorAll(".reference__copy-text") : [];
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].dataset.style === kind) return texts[i];
    }
    return null;
  }

  function flavours(button) {
    var source = copySource(button);
    if (!source) return { text: "", html: "" };
    var text = source.textContent.trim();
    if (button.dataset.copy === "bibtex") return { text: text, html: "" };
    // innerHTML of our own built markup (em, strong, a): the serializer escaped field text.
    return { text: text.replace(/\s+/g, " "), html: source.innerHTML.trim() };
  }

  function copyWithEvent(copied) {
    function onCopy(event) {
      event.clipboardData.setData("text/plain", copied.text);
      if (copied.html) event.clipboardData.setData("text/html", copied.html);
      event.preventDefault();
    }
    var area = document.createElement("textarea");
    area.value = copied.text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    document.addEventListener("copy", onCopy);
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.removeEventListener("copy", onCopy);
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(copied) {
    if (navigator.clipboard && window.isSecureContext) {
      var written;
      if (copied.html && window.ClipboardItem) {
        written = navigator.clipboard.write([
          new window.ClipboardItem({
            "text/html": new Blob([copied.html], { type: "text/html" }),
            "text/plain": new Blob([copied.text], { type: "text/plain" }),
          }),
        ]);
      } else {
        written = navigator.clipboard.writeText(copied.text);
      }
      return written.catch(function () {
        return copyWithEvent(copied);
      });
    }
    return copyWithEvent(copied);
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
    // The engine writes the confirmations once, on the bibliography's filter box.
    var texts = document.querySelector(".bibliography-filter");
    var name = button.getAttribute("data-copy-name") || "";
    copy(flavours(button)).then(
      function () {
        button.textContent = engineText(texts, "data-copied-label", "Copied");
        announce(filled(
          engineText(texts, "data-copied-message", "{name} reference copied to the clipboard"),
          { name: name }
        ));
      },
      function () {
        button.textContent = engineText(texts, "data-copy-failed-label", "Copy failed");
        announce(engineText(
          texts, "data-copy-failed-message", "Copying failed: select the text and copy it by hand"
        ));
      }
    ).then(function () {
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

  /* Cite this page and print (overrides/main.html): "Copy APA" copies the text of the
     element its data-copy-page names; "Print this page" opens the browser's print dialog. */
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("button[data-print-page]")) {
      window.print();
      return;
    }
    var button = target.closest("button[data-copy-page]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copyPage || "");
    var text = source ? source.textContent.replace(/\s+/g, " ").trim() : "";
    // Rich text keeps the title's italics, as the per-work copy does: innerHTML of markup
    // the template built, in which every field was escaped.
    var html = source ? source.innerHTML.replace(/\s+/g, " ").trim() : "";
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    copy({ text: text, html: html }).then(
      function () {
        button.textContent = "Copied";
        announce("APA reference of this page copied to the clipboard");
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

  /* 4. Bibliography filter ------------------------------------------------------------- */

  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setUpBibliographyFilter() {
    var box = document.querySelector(".bibliography-filter");
    if (!box) return;
    var input = box.querySelector("input");
    var count = box.querySelector(".bibliography-filter__count");
    var empty = document.querySelector(".bibliography-filter__empty");
    var countText = engineText(box, "data-count-text", "{shown} of {total} entries match");
    var totalText = engineText(box, "data-total-text", "{total} entries");
    var lists = Array.prototype.slice.call(document.querySelectorAll("ul.reference-list--full"));
    var entries = Array.prototype.slice.call(
      document.querySelectorAll("ul.reference-list--full > li.reference")
    );
    // What a reader may filter on: the reference, the annotation, the incomplete-record
    // note and the titles of the citing pages (the topics); never the BibTeX source.
    var texts = entries.map(function (entry) {
      var parts = entry.querySelectorAll(
        ".reference__text, .reference__annote, .reference__incomplete, .reference__cited-on"
      );
      return folded(Array.prototype.map.call(parts, function (part) {
        return part.textContent;
      }).join(" "));
    });

    function apply() {
      var words = folded(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (entry, index) {
        var match = words.every(function (word) { return texts[index].indexOf(word) !== -1; });
        entry.hidden = !match;
        if (match) shown += 1;
      });
      lists.forEach(function (list) {
        var any = list.querySelector("li.reference:not([hidden])") !== null;
        list.hidden = !any;
        var letter = list.previousElementSibling;
        if (letter && letter.tagName === "H2") letter.hidden = !any;
      });
      count.textContent = words.length
        ? filled(countText, { shown: shown, total: entries.length })
        : filled(totalText, { total: entries.length });
      if (empty) empty.hidden = shown !== 0;
    }

    box.hidden = false;
    input.addEventListener("input", apply);
    apply();
  }

  /* 5. Wide tables ---------------------------------------------------------------------- */

  var HINT_CLASS = "table-scroll-hint";

  function markScrollableTables() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var hint = wrap.previousElementSibling;
      var hasHint = hint && hint.classList.contains(HINT_CLASS);
      wrap.classList.toggle("is-scrollable", scrolls);
      if (scrolls) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
        if (!hasHint) {
          hint = document.createElement("p");
          hint.className = HINT_CLASS;
          hint.setAttribute("aria-hidden", "true");
          hint.textContent = "Scroll the table sideways to see every column \u2192";
          wrap.parentNode.insertBefore(hint, wrap);
        }
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        if (hasHint) hint.parentNode.removeChild(hint);
      }
    });
  }

  /* 6. Tables of many columns stack on a phone: each row becomes a card of labelled
     cells (extra.css), so no column hides off screen. The labels are the column
     headings, copied onto the cells as data-label; without this script the table scrolls
     sideways as any wide table does. */
  var STACK_FROM_COLUMNS = 5;

  function labelStackedTables() {
    var tables = document.querySelectorAll("article table");
    Array.prototype.forEach.call(tables, function (table) {
      var headings = table.querySelectorAll("thead th");
      if (headings.length < STACK_FROM_COLUMNS || table.hasAttribute("data-stacked")) return;
      var labels = Array.prototype.map.call(headings, function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (labels[index]) cell.setAttribute("data-label", labels[index]);
        });
      });
      table.setAttribute("data-stacked", "");
    });
  }

  /* Long identifiers in table cells (DOIs, addresses) may break after a slash or a full
     stop, as typesetters break them; words never break (extra.css). <wbr> leaves copied
     text unchanged. */
  var IDENTIFIER = /\S{16,}/;

  function breakable(token) {
    var fragment = document.createDocumentFragment();
    // After each slash or full stop that is not the token's last character (no lookbehind
    // in the pattern: older Safari rejects the whole script for one).
    var parts = token.match(/[^\/.]*(?:[\/.]+|$)/g) || [token];
    parts.forEach(function (part, index) {
      if (!part) return;
      if (index) fragment.appendChild(document.createElement("wbr"));
      fragment.appendChild(document.createTextNode(part));
    });
    return fragment;
  }

  function letIdentifiersBreak() {
    var cells = document.querySelectorAll("article td");
    Array.prototype.forEach.call(cells, function (cell) {
      var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      var nodes = [];
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (IDENTIFIER.test(node.textContent)) nodes.push(node);
      }
      nodes.forEach(function (text) {
        var fragment = document.createDocumentFragment();
        text.textContent.split(/(\s+)/).forEach(function (token) {
          if (IDENTIFIER.test(token) && /[\/.]\S/.test(token)) {
            fragment.appendChild(breakable(token));
          } else {
            fragment.appendChild(document.createTextNode(token));
          }
        });
        text.parentNode.replaceChild(fragment, text);
      });
    });
  }

  /* 7. Printed links to other pages of the site carry their web address, which paper
     cannot follow: extra.css prints it after the link text. The address is the page's
     address on the web, derived from the canonical address (a file-share copy names
     page.html files, which the web build serves as page/). */
  function webForm(path) {
    return path.replace(/(^|\/)index\.html(?=$|#)/, "$1").replace(/\.html(?=$|#)/, "/");
  }

  function markPrintAddresses() {
    var canonical = document.querySelector("link[rel=canonical]");
    var script = document.querySelector("script[src*='assets/javascripts/site']");
    if (!canonical || !script) return;
    // The site's root as served, and as cited: this page's path below the one is its path
    // below the other.
    var served = new URL("../..", script.src).href;
    var here = window.location.origin === "null" || window.location.protocol === "file:"
      ? window.location.href.split(/[?#]/)[0]
      : window.location.origin + window.location.pathname;
    if (here.indexOf(served) !== 0) return;
    var own = here.slice(served.length);
    var cited = canonical.href;
    if (cited.slice(cited.length - own.length) !== own) return;
    var site = cited.slice(0, cited.length - own.length);
    var links = document.querySelectorAll("article a[href]:not([href^='#'])");
    Array.prototype.forEach.call(links, function (link) {
      var target = link.href;
      if (target.indexOf(served) !== 0 || link.closest(".reference-list, .page-cite")) return;
      if (target.split("#")[0] === here) return;
      link.setAttribute("data-print-address", site + webForm(target.slice(served.length)));
    });
  }

  /* 8. From a reference back to the text: each entry of a page's reference list links
     back to every place the page cites it (as Wikipedia's ^ links do), and after a jump
     to an entry, Back (or the back link) returns focus to the citation the reader
     followed. The address of an entry stays the entry's (mkdocs.yml leaves out
     navigation.tracking, which rewrote it to the heading on scroll). */
  var followed = null;

  function linkReferencesBack() {
    var list = document.querySelector("article ul.reference-list:not(.reference-list--full)");
    if (!list) return;
    var one = engineText(list, "data-back-label", "Back to the citation in the text");
    var several = engineText(
      list, "data-back-numbered-label", "Back to citation {number} of {count} in the text"
    );
    var byTarget = {};
    var links = document.querySelectorAll("article a.citation__link[href^='#']");
    Array.prototype.forEach.call(links, function (link) {
      var target = link.getAttribute("href").slice(1);
      (byTarget[target] = byTarget[target] || []).push(link);
      if (!link.id) link.id = "cite-" + target + "-" + byTarget[target].length;
    });
    Array.prototype.forEach.call(list.querySelectorAll("li.reference[id]"), function (entry) {
      var citing = byTarget[entry.id] || [];
      if (!citing.length || entry.querySelector(".reference__back")) return;
      var back = document.createElement("span");
      back.className = "reference__back";
      citing.forEach(function (link, index) {
        var up = document.createElement("a");
        up.href = "#" + link.id;
        up.textContent = citing.length === 1 ? "\u2191" : "\u2191" + (index + 1);
        up.setAttribute("aria-label", citing.length === 1
          ? one
          : filled(several, { number: index + 1, count: citing.length }));
        back.appendChild(up);
      });
      entry.insertBefore(back, entry.firstChild);
    });
  }

  document.addEventListener("click", function (event) {
    var link = citationLink(event.target);
    if (link && link.getAttribute("href").charAt(0) === "#") followed = link;
  });

  window.addEventListener("hashchange", function () {
    var hash = decodeURIComponent(window.location.hash.slice(1));
    var target = hash ? document.getElementById(hash) : null;
    if (target && target.classList.contains("citation__link")) {
      target.focus({ preventScroll: true });
    } else if (!target && followed && document.contains(followed)) {
      // Back from the entry to where the reader was: the citation they followed.
      followed.focus({ preventScroll: true });
      followed = null;
    }
  });

  /* 9. Landmarks with names of their own. The theme names each section's menu by a label
     that holds only an icon, so every section menu is an unnamed navigation landmark, and
     the table of contents appears twice (the sidebar, and in the menu on small screens)
     under one name. Each section menu takes its section's title; the menu's copy of the
     table of contents says where it is. */
  function nameLandmarks() {
    var menus = document.querySelectorAll("nav.md-nav[aria-labelledby]");
    Array.prototype.forEach.call(menus, function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (label && label.textContent.trim()) return;
      var title = nav.querySelector(":scope > .md-nav__title");
      var name = title ? title.textContent.trim() : "";
      if (!name) return;
      nav.removeAttribute("aria-labelledby");
      nav.setAttribute("aria-label", name);
    });
    var contents = document.querySelectorAll(".md-nav--primary nav.md-nav--secondary");
    Array.prototype.forEach.call(contents, function (nav) {
      nav.setAttribute("aria-label", "Table of contents, in the menu");
    });
  }

  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollableTables, 150);
  });

  function ready() {
    nameLandmarks();
    setUpBibliographyFilter();
    labelStackedTables();
    letIdentifiersBreak();
    markPrintAddresses();
    linkReferencesBack();
    markScrollableTables();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // The theme wraps tables in their scroll containers from its own script, which may run
  // after this one: measure again when it says the page is ready, and once all has loaded.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { markScrollableTables(); });
  }
  window.addEventListener("load", markScrollableTables);
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

/* 6. The colour toggle (overrides/partials/palette.html): the theme's palette form, run here
   rather than by the theme's script, which restyled the whole page several times on every
   view. Same behaviour and storage: the choice cycles automatic, light, dark; it is kept in
   the theme's "__palette" entry, which the theme's inline script applies on the next page;
   "automatic" follows the system setting, also when it changes. The body's attributes are
   written only when they differ, so a page already in the right colours is not restyled. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-site-palette]");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input"));
  if (!inputs.length) return;
  var KEYS = ["media", "scheme", "primary", "accent"];

  function stored() {
    try {
      return typeof window.__md_get === "function" ? window.__md_get("__palette") : null;
    } catch (error) {
      return null;
    }
  }

  function colours(input) {
    var color = {};
    KEYS.forEach(function (key) { color[key] = input.getAttribute("data-md-color-" + key); });
    return color;
  }

  // The palette for an option; "automatic" takes the colours of the option for the system
  // setting, as the theme does.
  function palette(index) {
    var color = colours(inputs[index]);
    if (color.media === "(prefers-color-scheme)") {
      var light = window.matchMedia("(prefers-color-scheme: light)").matches;
      var system = form.querySelector(light
        ? "[data-md-color-media='(prefers-color-scheme: light)']"
        : "[data-md-color-media='(prefers-color-scheme: dark)']");
      if (system) {
        var resolved = colours(system);
        color.scheme = resolved.scheme;
        color.primary = resolved.primary;
        color.accent = resolved.accent;
      }
    }
    return { index: index, color: color };
  }

  function apply(index, switching) {
    var chosen = palette(index);
    var body = document.body;
    var changed = KEYS.filter(function (key) {
      return body.getAttribute("data-md-color-" + key) !== chosen.color[key];
    });
    // The theme's stylesheet turns transitions off while [data-md-color-switching] is set,
    // so a switch does not fade every element; the attribute goes on the next task.
    var restyles = changed.some(function (key) { return key !== "media"; });
    if (switching && restyles) body.setAttribute("data-md-color-switching", "");
    changed.forEach(function (key) {
      body.setAttribute("data-md-color-" + key, chosen.color[key]);
    });
    if (switching && restyles) {
      window.setTimeout(function () { body.removeAttribute("data-md-color-switching"); });
    }
    inputs.forEach(function (input, i) {
      var label = input.nextElementSibling;
      if (label instanceof HTMLElement && label.hidden !== (i !== index)) label.hidden = i !== index;
    });
    inputs[index].checked = true;
    if (typeof window.__md_set === "function") window.__md_set("__palette", chosen);
    current = index;
  }

  var saved = stored();
  var current = saved && typeof saved.index === "number" && inputs[saved.index] ? saved.index : -1;
  if (current < 0) {
    current = Math.max(0, inputs.findIndex(function (input) {
      return window.matchMedia(input.getAttribute("data-md-color-media")).matches;
    }));
  }
  apply(current, false);

  form.addEventListener("change", function (event) {
    var index = inputs.indexOf(event.target);
    if (index >= 0) apply(index, true);
  });
  var systemLight = window.matchMedia("(prefers-color-scheme: light)");
  var follow = function () { apply(current, true); };
  if (typeof systemLight.addEventListener === "function") {
    systemLight.addEventListener("change", follow);
  }
})();
