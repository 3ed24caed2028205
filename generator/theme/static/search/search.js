// Haven search: a small, accessible UI on Pagefind's JavaScript API. Everything runs in the
// browser from this site's own files; nothing is sent anywhere. No inline script or style is used,
// so the page works under a strict Content-Security-Policy.

const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 20;
const DEBOUNCE_MS = 250;

let pagefindPromise = null;
let latest = 0;
let timer = 0;

function loadPagefind() {
  if (!pagefindPromise) {
    pagefindPromise = import(form.dataset.pagefind).then(async (pagefind) => {
      await pagefind.options({ excerptLength: 24 });
      return pagefind;
    });
  }
  return pagefindPromise;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
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
    topics.append(element("span", "search-result-label", "Topics: "), document.createTextNode(data.meta.topics));
    item.append(topics);
  }
  if (data.excerpt) item.append(excerptNode(data.excerpt));
  return item;
}

function clear() {
  list.replaceChildren();
  list.hidden = true;
}

function unavailable() {
  form.hidden = true;
  clear();
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(window.location.hostname);
  status.textContent = local
    ? "Search is not available in this preview: the preview server skips building the search index so "
      + "edits show quickly. Run haven build to try search. You can browse all topics or all sources below."
    : "Search is not available right now. You can browse all topics or all sources below.";
}

async function run(query) {
  const ticket = ++latest;
  const trimmed = query.trim();
  if (!trimmed) {
    clear();
    status.textContent = "";
    return;
  }
  let pagefind;
  try {
    pagefind = await loadPagefind();
  } catch (error) {
    unavailable();
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
    status.textContent = `No results for \u2018${trimmed}\u2019. Try another word, or browse all topics or all sources below.`;
  } else if (total > shown.length) {
    status.textContent = `${plural(total, "result")} for \u2018${trimmed}\u2019, showing the first ${shown.length}.`;
  } else {
    status.textContent = `${plural(total, "result")} for \u2018${trimmed}\u2019.`;
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
  loadPagefind().catch(unavailable);
}
