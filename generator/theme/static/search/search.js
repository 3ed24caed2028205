// Haven search: a small, accessible UI on Pagefind's JavaScript API. Everything runs in the
// browser from this site's own files; nothing is sent anywhere. No inline script or style is used,
// so the page works under a strict Content-Security-Policy.

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const help = document.getElementById("search-help");
const MAX_RESULTS = 20;
const DEBOUNCE_MS = 250;

// Crisis-aware search: the hub's risk terms for this page's language (site.yaml crisis.risk_terms),
// matched here, in the browser, as whole words, ignoring case and accents. A match shows the crisis
// services above the results and says so in the status message. Nothing about the query leaves the page.
function normalise(text) {
  return ` ${text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
}
// [language, normalised term] pairs, the page's language first.
const riskTerms = (() => {
  try {
    const pairs = JSON.parse(form.dataset.riskTerms || "[]");
    return (Array.isArray(pairs) ? pairs : []).flatMap(([language, terms]) =>
      Array.isArray(terms) ? terms.map((term) => [language, normalise(String(term))]).filter(([, t]) => t.trim()) : []);
  } catch (error) {
    return [];
  }
})();
const HELP_NOTE = (help && help.dataset.note) || "Help is available now: crisis lines are listed above the results.";

// The language of the first risk term the query contains, or "".
function riskLanguage(query) {
  const words = normalise(query);
  const found = riskTerms.find(([, term]) => words.includes(term));
  return found ? found[0] : "";
}

// Show or hide the help panel; services answering in the query's language move to the top.
function showHelp(query) {
  const language = help ? riskLanguage(query) : "";
  if (!help) return false;
  help.hidden = !language;
  if (language) {
    const services = help.querySelector(".crisis-list");
    const items = services ? [...services.children] : [];
    const speaks = (item) => (item.dataset.languages || "").split(" ").includes(language);
    if (services) services.replaceChildren(...items.filter(speaks), ...items.filter((item) => !speaks(item)));
  }
  return Boolean(language);
}

let pagefindPromise = null;
let latest = 0;
let timer = 0;

const EXCERPT_LENGTH = 24;

// A large hub's index comes in parts (Pagefind cannot update one index page by page, so each edit
// re-indexes only its part). pagefind/haven-parts.json lists, per language, the parts beyond the first
// that hold it; they are searched together with this one through Pagefind's mergeIndex.
function partsFor(parts) {
  const code = (document.documentElement.lang || "en").toLowerCase();
  const list = (parts && (parts[code] || parts[code.split("-")[0]])) || [];
  return Array.isArray(list) ? list.filter((part) => typeof part === "string" && /^part-[0-9]+\/$/.test(part)) : [];
}

function loadPagefind() {
  if (!pagefindPromise) {
    const base = form.dataset.pagefind.replace(/pagefind\.js$/, "");
    pagefindPromise = import(form.dataset.pagefind).then(async (pagefind) => {
      await pagefind.options({ excerptLength: EXCERPT_LENGTH });
      const response = await fetch(base + "haven-parts.json");
      const parts = response.ok ? await response.json() : {};
      for (const part of partsFor(parts)) await pagefind.mergeIndex(base + part, { excerptLength: EXCERPT_LENGTH });
      return pagefind;
    });
  }
  return pagefindPromise;
}

// Interface text comes from the page (data-text-* on the form, translated by the hub's catalogues);
// the English here is only a fallback. {count}, {shown} and {query} are filled in.
const FALLBACK = {
  topics: "Topics:",
  unavailablePreview: "Search is not available in this preview: the preview server skips building the search index so "
    + "edits show quickly. Run haven build to try search. You can browse all topics or all sources below.",
  unavailable: "Search is not available right now. You can browse all topics or all sources below.",
  none: "No results for \u2018{query}\u2019. Try another word, or browse all topics or all sources below.",
  resultsOne: "{count} result for \u2018{query}\u2019.",
  resultsOther: "{count} results for \u2018{query}\u2019.",
  firstOne: "{count} result for \u2018{query}\u2019, showing the first {shown}.",
  firstOther: "{count} results for \u2018{query}\u2019, showing the first {shown}.",
};
const pageLanguage = document.documentElement.lang || "en";
const numbers = new Intl.NumberFormat(pageLanguage);
const plurals = new Intl.PluralRules(pageLanguage);

function say(name, values = {}) {
  const key = "text" + name[0].toUpperCase() + name.slice(1);
  const text = form.dataset[key] || FALLBACK[name];
  return text.replace(/\{(count|shown|query)\}/g, (_, field) =>
    typeof values[field] === "number" ? numbers.format(values[field]) : String(values[field] ?? ""));
}

// The catalogue gives the singular and the general plural form; CLDR's other categories use the latter.
function sayCount(name, count, values) {
  return say(name + (plurals.select(count) === "one" ? "One" : "Other"), { ...values, count });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind's excerpt is HTML with <mark> around matches. Rebuild it from text nodes and <mark>
// elements only, so nothing from the index can ever become markup.
function excerptNode(html) {
  const paragraph = element("p", "search-result-excerpt");
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const child of parsed.body.childNodes) {
    if (child.nodeType === Node.ELEMENT_NODE && child.tagName === "MARK") {
      paragraph.append(element("mark", "", child.textContent));
    } else {
      paragraph.append(document.createTextNode(child.textContent));
    }
  }
  return paragraph;
}

function resultItem(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "search-result-title");
  const link = element("a", "", data.meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  item.append(heading);
  if (data.meta.summary) item.append(element("p", "search-result-summary", data.meta.summary));
  if (data.meta.topics) {
    const topics = element("p", "search-result-topics");
    topics.append(element("span", "search-result-label", say("topics") + " "), document.createTextNode(data.meta.topics));
    item.append(topics);
  }
  if (data.excerpt) item.append(excerptNode(data.excerpt));
  return item;
}

function clear() {
  list.replaceChildren();
  list.hidden = true;
}

function unavailable(lead = "") {
  form.hidden = true;
  clear();
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(window.location.hostname);
  status.textContent = lead + (local ? say("unavailablePreview") : say("unavailable"));
}

async function run(query) {
  const ticket = ++latest;
  const trimmed = query.trim();
  const helping = showHelp(trimmed);
  const lead = helping ? `${HELP_NOTE} ` : "";
  if (!trimmed) {
    clear();
    status.textContent = "";
    return;
  }
  if (helping) status.textContent = HELP_NOTE; // at once: the index may be slow or missing
  let pagefind;
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    unavailable(lead);
    return;
  }
  const search = await pagefind.search(trimmed);
  if (ticket !== latest || !search) return; // a newer query is on its way
  const shown = search.results.slice(0, MAX_RESULTS);
  const data = await Promise.all(shown.map((result) => result.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...data.map(resultItem));
  list.hidden = data.length === 0;
  const total = search.results.length;
  if (total === 0) {
    status.textContent = lead + say("none", { query: trimmed });
  } else if (total > shown.length) {
    status.textContent = lead + sayCount("first", total, { query: trimmed, shown: shown.length });
  } else {
    status.textContent = lead + sayCount("results", total, { query: trimmed });
  }
}

function remember(query) {
  const url = new URL(window.location.href);
  if (query.trim()) url.searchParams.set("q", query.trim());
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
}

form.hidden = false;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(timer);
  remember(input.value);
  run(input.value);
});
input.addEventListener("input", () => {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    remember(input.value);
    run(input.value);
  }, DEBOUNCE_MS);
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && input.value) {
    input.value = "";
    remember("");
    run("");
  }
});

const initial = new URL(window.location.href).searchParams.get("q");
if (initial) {
  input.value = initial;
  run(initial);
} else {
  loadPagefind().catch(() => unavailable());
}
