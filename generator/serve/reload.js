/* Haven preview: live reload and build errors in the page.
 *
 * Served by `haven serve` at /__haven/reload.js and added to HTML responses on the way out; never
 * written into the output folder. No dependencies, no inline code or styles in markup (works under a
 * strict Content-Security-Policy: everything is built with DOM APIs and styled through the CSSOM).
 *
 * One tab per browser holds the event stream (a Web Lock) and passes events to the other tabs
 * (a BroadcastChannel), so many open tabs never use up the browser's connections to the server.
 */
(function () {
  "use strict";
  if (window.__havenPreview) return;

  var script = document.currentScript;
  var preview = (window.__havenPreview = {
    build: (script && script.getAttribute("data-haven-build")) || "",
    events: [],        // every event this page handled: [type, data] (tests and debugging)
    navigating: false,
  });
  var TYPES = ["hello", "reload", "css", "failed", "ok"];
  var EVENTS_URL = "/__haven/events";
  var STATE_URL = "/__haven/state";
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("haven-preview") : null;

  // ---- what each event does ------------------------------------------------------------------
  function handle(type, data) {
    if (!data || preview.navigating) return;
    preview.events.push([type, data]);
    if (type === "hello") {
      if (data.build && preview.build && data.build !== preview.build) {
        if (data.css_after && data.css_after === preview.build && data.urls) swapStyles(data);  // only CSS changed since
        else staleReload();   // a build finished while this page was loading, or the server restarted
        return;
      }
      if (data.failed) showErrors(data.errors || []);
      else hideErrors();
      showWarnings(data.warnings || []);
    } else if (type === "reload") {
      navigate(data);
    } else if (type === "css") {
      swapStyles(data);
    } else if (type === "failed") {
      showErrors(data.errors || []);
      showWarnings(data.warnings || []);
    } else if (type === "ok") {
      preview.build = data.build || preview.build;
      hideErrors();
      showWarnings(data.warnings || []);
    }
  }

  function here() {
    var path = location.pathname;
    try { path = decodeURI(path); } catch (e) { /* keep it encoded */ }
    return path.replace(/\/index\.html$/, "/");
  }

  function go(target) {
    preview.navigating = true;
    // Still here a few seconds later? The navigation was cancelled: listen to events again.
    setTimeout(function () { preview.navigating = false; }, 3000);
    if (target) location.replace(target + location.search + location.hash);
    else location.reload();
  }

  function navigate(data) {
    var path = here();
    var moved = data.moved || {};
    if (Object.prototype.hasOwnProperty.call(moved, path)) go(moved[path]);            // renamed: follow it
    else if ((data.removed || []).indexOf(path) >= 0) go(data.home || "/");           // deleted: go home
    else go(null);
  }

  // A reload because this page is older than the last good build; never more than a few in a row.
  function staleReload() {
    var key = "haven-preview-stale", now = Date.now(), recent = [];
    try { recent = JSON.parse(sessionStorage.getItem(key) || "[]").filter(function (t) { return now - t < 10000; }); }
    catch (e) { recent = []; }
    if (recent.length >= 4) {
      console.warn("Haven preview: this page keeps coming back out of date; not reloading again.");
      return;
    }
    recent.push(now);
    try { sessionStorage.setItem(key, JSON.stringify(recent)); } catch (e) { /* private mode */ }
    go(null);
  }

  function swapStyles(data) {
    var urls = data.urls || [], swapped = 0;
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var link = links[i], url = new URL(link.href, location.href), path = url.pathname;
      try { path = decodeURI(path); } catch (e) { /* keep */ }
      if (url.origin !== location.origin || urls.indexOf(path) < 0) continue;
      url.searchParams.set("haven-preview", String(Date.now()));
      var fresh = link.cloneNode(false);
      fresh.removeAttribute("integrity");
      fresh.href = url.href;
      (function (old) {
        var done = function () { if (old.parentNode) old.parentNode.removeChild(old); };
        fresh.addEventListener("load", done);
        fresh.addEventListener("error", done);
      })(link);
      link.parentNode.insertBefore(fresh, link.nextSibling);
      swapped++;
    }
    if (!swapped) { go(null); return; }   // the stylesheet is imported some other way: reload
    preview.build = data.build || preview.build;
    hideErrors();
    showWarnings(data.warnings || []);
  }

  // ---- the error overlay ------------------------------------------------------------------------
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';
  var INK = "#1b1b1b", RED = "#a4161a", FOCUS = "#1a56c4";
  var ui = null;                 // {host, root}
  var overlay = null;            // {dialog, key, errors}
  var dismissedKey = null;
  var lastFocus = null;
  var lastErrors = [];

  function el(tag, styles, text) {
    var node = document.createElement(tag);
    if (styles) for (var k in styles) node.style.setProperty(k, styles[k]);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function focusRing(node) {
    node.addEventListener("focus", function () { node.style.setProperty("outline", "3px solid " + FOCUS); node.style.setProperty("outline-offset", "2px"); });
    node.addEventListener("blur", function () { node.style.removeProperty("outline"); });
  }

  function button(label, styles) {
    var b = el("button", Object.assign({
      font: "600 1rem/1.3 " + FONT, color: "#ffffff", background: INK, border: "2px solid " + INK,
      "border-radius": "6px", padding: "0.5rem 1rem", cursor: "pointer", margin: "0",
    }, styles || {}), label);
    b.type = "button";
    focusRing(b);
    return b;
  }

  function root() {
    if (ui && ui.host.isConnected) return ui.root;
    var host = el("div", { all: "initial" });
    host.id = "haven-preview-ui";
    var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    (document.body || document.documentElement).appendChild(host);
    ui = { host: host, root: shadow };
    return shadow;
  }

  function keyOf(list) {
    return JSON.stringify(list.map(function (d) { return d.text; }));
  }

  function findingItem(d) {
    var item = el("li", { "border-top": "1px solid #d0d0d0", padding: "0.75rem 0", margin: "0" });
    var where = d.path ? d.path + (d.line ? ":" + d.line + ":" + (d.col || 1) : "") : "";
    if (where) {
      var loc = el("p", { margin: "0 0 0.25rem", color: "#3d3d3d", "font-size": "0.95rem" });
      loc.appendChild(document.createTextNode("In "));
      loc.appendChild(el("code", { font: "0.95rem/1.4 " + MONO, background: "#f1f1f1", color: INK, padding: "0.1rem 0.3rem", "border-radius": "4px", "overflow-wrap": "anywhere" }, where));
      item.appendChild(loc);
    }
    item.appendChild(el("p", { margin: "0 0 0.25rem", "font-weight": "700", color: INK, "overflow-wrap": "anywhere" }, d.message));
    if (d.hint) item.appendChild(el("p", { margin: "0", color: INK, "overflow-wrap": "anywhere" }, "How to fix: " + d.hint));
    if (d.code) item.appendChild(el("p", { margin: "0.25rem 0 0", color: "#4a4a4a", "font-size": "0.85rem" }, "(" + d.code + ")"));
    return item;
  }

  function showErrors(errors) {
    if (!errors.length) { hideErrors(); return; }
    lastErrors = errors;
    var key = keyOf(errors);
    if (overlay && overlay.key === key) return;
    if (key === dismissedKey) { removeOverlay(false); showErrorBadge(errors); return; }
    removeOverlay(false);
    removeNode("error-badge");
    var shadow = root();
    var backdrop = el("div", {
      position: "fixed", inset: "0", "z-index": "2147483647", background: "rgba(0, 0, 0, 0.6)",
      display: "flex", "align-items": "flex-start", "justify-content": "center", overflow: "auto",
      padding: "5vh 1rem", "box-sizing": "border-box",
    });
    backdrop.setAttribute("data-haven", "overlay");
    var dialog = el("section", {
      background: "#ffffff", color: INK, font: "1rem/1.5 " + FONT, "max-width": "46rem", width: "100%",
      "box-sizing": "border-box", padding: "1.25rem 1.5rem 1.5rem", "border-radius": "8px",
      "border-top": "8px solid " + RED, "box-shadow": "0 10px 40px rgba(0, 0, 0, 0.4)", "text-align": "left",
    });
    dialog.id = "haven-preview-errors";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "haven-preview-errors-title");
    dialog.setAttribute("aria-describedby", "haven-preview-errors-summary");
    dialog.tabIndex = -1;
    var title = el("h2", { font: "700 1.35rem/1.3 " + FONT, color: RED, margin: "0 0 0.5rem" },
      "Haven could not rebuild the site");
    title.id = "haven-preview-errors-title";
    var n = errors.length;
    var summary = el("p", { margin: "0 0 0.75rem", color: INK },
      n + (n === 1 ? " problem needs" : " problems need") + " fixing. You are looking at the last version " +
      "that built. Fix the file and save it: this page updates by itself.");
    summary.id = "haven-preview-errors-summary";
    var list = el("ol", { "list-style": "none", margin: "0 0 1rem", padding: "0" });
    errors.slice(0, 50).forEach(function (d) { list.appendChild(findingItem(d)); });
    if (n > 50) list.appendChild(el("li", { padding: "0.75rem 0" }, "... and " + (n - 50) + " more: see the terminal."));
    var close = button("Dismiss");
    close.setAttribute("aria-keyshortcuts", "Escape");
    close.addEventListener("click", dismiss);
    var footer = el("p", { margin: "0", display: "flex", "align-items": "center", gap: "0.75rem", "flex-wrap": "wrap" });
    footer.appendChild(close);
    footer.appendChild(el("span", { color: "#3d3d3d", "font-size": "0.95rem" },
      "Esc also dismisses it. The terminal shows the same messages."));
    dialog.appendChild(title);
    dialog.appendChild(summary);
    dialog.appendChild(list);
    dialog.appendChild(footer);
    dialog.addEventListener("keydown", trapTab);
    backdrop.appendChild(dialog);
    shadow.appendChild(backdrop);
    overlay = { node: backdrop, dialog: dialog, key: key };
    var active = document.activeElement;
    if (active && active !== ui.host) lastFocus = active;
    dialog.focus();
    document.addEventListener("keydown", onEscape, true);
  }

  function trapTab(event) {
    if (event.key !== "Tab" || !overlay) return;
    var stops = [overlay.dialog].concat(Array.prototype.slice.call(overlay.dialog.querySelectorAll("button")));
    var current = ui.root.activeElement || overlay.dialog;
    var at = stops.indexOf(current);
    var next = (at + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
    stops[next].focus();
    event.preventDefault();
  }

  function onEscape(event) {
    if (event.key === "Escape" && overlay) {
      event.preventDefault();
      dismiss();
    }
  }

  function dismiss() {
    if (!overlay) return;
    dismissedKey = overlay.key;
    removeOverlay(true);
    showErrorBadge(lastErrors);
  }

  function removeOverlay(restoreFocus) {
    document.removeEventListener("keydown", onEscape, true);
    if (!overlay) return;
    var hadFocus = ui && ui.root.activeElement;
    if (overlay.node.parentNode) overlay.node.parentNode.removeChild(overlay.node);
    overlay = null;
    if ((restoreFocus || hadFocus) && lastFocus && lastFocus.isConnected && lastFocus.focus) lastFocus.focus();
    lastFocus = null;
  }

  function removeNode(name) {
    if (!ui) return;
    var node = ui.root.querySelector('[data-haven="' + name + '"]');
    if (node && node.parentNode) node.parentNode.removeChild(node);
  }

  function showErrorBadge(errors) {
    removeNode("error-badge");
    var n = errors.length;
    var badge = button("Build failed: " + n + (n === 1 ? " error" : " errors") + " - show", {
      position: "fixed", right: "1rem", bottom: "1rem", "z-index": "2147483647", background: RED,
      "border-color": RED, "box-shadow": "0 2px 10px rgba(0, 0, 0, 0.35)",
    });
    badge.setAttribute("data-haven", "error-badge");
    badge.addEventListener("click", function () {
      dismissedKey = null;
      removeNode("error-badge");
      showErrors(lastErrors);
    });
    root().appendChild(badge);
  }

  function hideErrors() {
    dismissedKey = null;
    lastErrors = [];
    removeOverlay(false);
    removeNode("error-badge");
  }

  // ---- warnings: a small button that opens a list; never in the way ------------------------------
  var warningsKey = "[]";

  function showWarnings(warnings) {
    var key = keyOf(warnings);
    if (key === warningsKey && (!warnings.length || (ui && ui.root.querySelector('[data-haven="warnings"]')))) return;
    warningsKey = key;
    removeNode("warnings");
    if (!warnings.length) return;
    var box = el("div", {
      position: "fixed", left: "1rem", bottom: "1rem", "z-index": "2147483646", font: "1rem/1.5 " + FONT,
      color: INK, "max-width": "min(40rem, calc(100vw - 2rem))",
    });
    box.setAttribute("data-haven", "warnings");
    var n = warnings.length;
    var toggle = button("Haven: " + n + (n === 1 ? " warning" : " warnings"), {
      background: "#fff6d5", color: INK, "border-color": "#8a6d00", "font-weight": "600",
      "box-shadow": "0 2px 8px rgba(0, 0, 0, 0.25)",
    });
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "haven-preview-warnings");
    var panel = el("section", {
      display: "none", background: "#ffffff", border: "2px solid #8a6d00", "border-radius": "8px",
      padding: "0.75rem 1rem", "margin-bottom": "0.5rem", "max-height": "60vh", overflow: "auto",
      "box-shadow": "0 6px 24px rgba(0, 0, 0, 0.3)",
    });
    panel.id = "haven-preview-warnings";
    panel.setAttribute("aria-label", "Haven warnings");
    var list = el("ul", { "list-style": "none", margin: "0", padding: "0" });
    warnings.slice(0, 100).forEach(function (d) { list.appendChild(findingItem(d)); });
    if (n > 100) list.appendChild(el("li", { padding: "0.75rem 0" }, "... and " + (n - 100) + " more: see the terminal."));
    panel.appendChild(list);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.style.setProperty("display", open ? "block" : "none");
    });
    box.appendChild(panel);
    box.appendChild(toggle);
    root().appendChild(box);
  }

  // ---- the connection ------------------------------------------------------------------------------
  if (channel) {
    channel.onmessage = function (event) {
      if (event.data && event.data.type) handle(event.data.type, event.data.data);
    };
  }

  function connect() {
    var source = new EventSource(EVENTS_URL);
    TYPES.forEach(function (type) {
      source.addEventListener(type, function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        if (channel) channel.postMessage({ type: type, data: data });
        handle(type, data);
      });
    });
    source.onerror = function () {
      // EventSource retries by itself; when it gives up (the server answered with an error), start again.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, 1000);
      }
    };
  }

  if (channel && navigator.locks && navigator.locks.request) {
    navigator.locks.request("haven-preview-events", function () {
      return new Promise(function () { connect(); });   // held for this page's lifetime
    }).catch(connect);
  } else {
    connect();
  }

  // Every tab checks once that it is not already out of date (the stream's greeting goes to one tab).
  fetch(STATE_URL, { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { if (data) handle("hello", data); })
    .catch(function () { /* the stream will tell us */ });
})();
